/* wf-query-router.c: intent scoring and the route, clarify or refuse decision
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here is plain string work on an ASCII-lowercased copy of the
 * question (byte offsets stay the same), so it is fast, deterministic and
 * needs no network. The question is first normalised (wf-query-normalise.c),
 * its quantities extracted (wf-query-extract.c) and given roles
 * (wf-query-roles.c); this file scores the intents and decides.
 */
#define G_LOG_DOMAIN "wf-query-router"

#include "config.h"

#include "wf-query-router.h"
#include "wf-query-router-private.h"

#include "wf-currency.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

G_DEFINE_QUARK (wf-query-router-error-quark, wf_query_router_error)

static const char *intent_names[WF_INTENT_LAST] = {
  "none", "loan_payment", "loan_payoff", "npv_irr", "time_value", "rate_conversion",
  "growth", "break_even", "price_change", "cash_runway", "payback", "margin_markup",
  "depreciation", "working_capital", "inventory", "hiring_cost", "savings_growth",
  "general_model",
};

static const char *slot_names[WF_SLOT_LAST] = {
  "principal", "rate", "term_months", "payment", "price", "unit_cost", "fixed_costs",
  "units", "cash", "burn", "revenue", "growth", "price_change", "customer_loss",
  "customers", "salary", "headcount", "investment", "cash_flow", "discount_rate",
  "margin", "markup", "salvage", "deposit", "amount", "target_amount", "target_profit",
  "receivables", "payables", "inventory", "cogs", "order_cost", "holding_cost",
  "lead_days", "overhead_rate", "dso_days", "dio_days", "dpo_days",
};

const char *
wf_intent_to_string (WfIntent intent)
{
  if ((int) intent < 0 || intent >= WF_INTENT_LAST)
    return "none";
  return intent_names[intent];
}

gboolean
wf_intent_from_string (const char *str,
                       WfIntent   *out_intent)
{
  int i;

  g_return_val_if_fail (out_intent != NULL, FALSE);

  if (str == NULL)
    return FALSE;
  for (i = 0; i < WF_INTENT_LAST; i++)
    if (g_strcmp0 (str, intent_names[i]) == 0)
      {
        *out_intent = (WfIntent) i;
        return TRUE;
      }
  return FALSE;
}

const char *
wf_slot_to_string (WfSlot slot)
{
  if ((int) slot < 0 || slot >= WF_SLOT_LAST)
    return "unknown";
  return slot_names[slot];
}

const char *
wf_route_decision_to_string (WfRouteDecision decision)
{
  switch (decision)
    {
    case WF_ROUTE_DECISION_ROUTE:
      return "route";
    case WF_ROUTE_DECISION_CLARIFY:
      return "clarify";
    case WF_ROUTE_DECISION_REFUSE:
      return "refuse";
    default:
      return "refuse";
    }
}

void
wf_route_free (WfRoute *route)
{
  if (route == NULL)
    return;
  g_free (route->reason);
  g_free (route->clarify_question);
  g_clear_pointer (&route->options, g_ptr_array_unref);
  wf_query_params_free (route->params);
  g_free (route);
}

void
wf_query_context_init (WfQueryContext *context)
{
  g_return_if_fail (context != NULL);

  memset (context, 0, sizeof *context);
  context->route_threshold = WF_QUERY_ROUTE_THRESHOLD_DEFAULT;
  context->refuse_threshold = WF_QUERY_REFUSE_THRESHOLD_DEFAULT;
  context->previous_intent = WF_INTENT_NONE;
}

/* ---- intents ------------------------------------------------------------- */

typedef struct
{
  const char *pattern;
  WfIntent    intent;
  int         weight;
} IntentWord;

static const IntentWord intent_words[] = {
  { "loan", WF_INTENT_LOAN_PAYMENT, 3 }, { "mortgage", WF_INTENT_LOAN_PAYMENT, 3 },
  { "monthly payment", WF_INTENT_LOAN_PAYMENT, 3 }, { "repayment", WF_INTENT_LOAN_PAYMENT, 2 },
  { "borrow", WF_INTENT_LOAN_PAYMENT, 2 }, { "amortiz", WF_INTENT_LOAN_PAYMENT, 3 },
  { "amortis", WF_INTENT_LOAN_PAYMENT, 3 }, { "afford", WF_INTENT_LOAN_PAYMENT, 1 },
  { "finance", WF_INTENT_LOAN_PAYMENT, 1 }, { "financing", WF_INTENT_LOAN_PAYMENT, 1 },
  { "payments be", WF_INTENT_LOAN_PAYMENT, 2 }, { "payment be", WF_INTENT_LOAN_PAYMENT, 2 },
  { "total interest", WF_INTENT_LOAN_PAYMENT, 2 }, { "how much interest", WF_INTENT_LOAN_PAYMENT, 2 },
  { "pay off", WF_INTENT_LOAN_PAYOFF, 3 }, { "payoff", WF_INTENT_LOAN_PAYOFF, 3 },
  { "paid off", WF_INTENT_LOAN_PAYOFF, 3 }, { "debt free", WF_INTENT_LOAN_PAYOFF, 4 },
  { "debt-free", WF_INTENT_LOAN_PAYOFF, 4 }, { "clear my", WF_INTENT_LOAN_PAYOFF, 2 },
  { "credit card", WF_INTENT_LOAN_PAYOFF, 2 }, { "pay it off", WF_INTENT_LOAN_PAYOFF, 3 },
  { "npv", WF_INTENT_NPV_IRR, 5 }, { "net present value", WF_INTENT_NPV_IRR, 5 },
  { "irr", WF_INTENT_NPV_IRR, 5 }, { "internal rate of return", WF_INTENT_NPV_IRR, 5 },
  { "worth investing", WF_INTENT_NPV_IRR, 3 }, { "discount rate", WF_INTENT_NPV_IRR, 2 },
  { "worth it", WF_INTENT_NPV_IRR, 1 }, { "is it worth", WF_INTENT_NPV_IRR, 1 },
  { "hurdle rate", WF_INTENT_NPV_IRR, 3 }, { "cost of capital", WF_INTENT_NPV_IRR, 2 },
  { "present value", WF_INTENT_TIME_VALUE, 4 }, { "future value", WF_INTENT_TIME_VALUE, 4 },
  { "worth today", WF_INTENT_TIME_VALUE, 4 }, { "annuity", WF_INTENT_TIME_VALUE, 4 },
  { "in today's money", WF_INTENT_TIME_VALUE, 4 }, { "today's dollars", WF_INTENT_TIME_VALUE, 4 },
  { "effective annual", WF_INTENT_RATE_CONVERSION, 5 }, { "effective rate", WF_INTENT_RATE_CONVERSION, 5 },
  { "apr to", WF_INTENT_RATE_CONVERSION, 3 }, { "convert", WF_INTENT_RATE_CONVERSION, 2 },
  { "monthly rate", WF_INTENT_RATE_CONVERSION, 3 }, { "apy", WF_INTENT_RATE_CONVERSION, 2 },
  { "ear", WF_INTENT_RATE_CONVERSION, 2 }, { "per month is that", WF_INTENT_RATE_CONVERSION, 3 },
  { "cagr", WF_INTENT_GROWTH, 5 }, { "compound annual growth", WF_INTENT_GROWTH, 5 },
  { "doubl", WF_INTENT_GROWTH, 3 }, { "grow", WF_INTENT_GROWTH, 2 }, { "growth", WF_INTENT_GROWTH, 2 },
  { "projection", WF_INTENT_GROWTH, 2 }, { "project", WF_INTENT_GROWTH, 1 },
  { "growth rate", WF_INTENT_GROWTH, 2 }, { "went from", WF_INTENT_GROWTH, 2 },
  { "growing", WF_INTENT_GROWTH, 2 }, { "grows", WF_INTENT_GROWTH, 2 },
  { "will they be", WF_INTENT_GROWTH, 2 }, { "will it be in", WF_INTENT_GROWTH, 2 },
  { "will revenue be", WF_INTENT_GROWTH, 3 }, { "will sales be", WF_INTENT_GROWTH, 3 },
  { "break even", WF_INTENT_BREAK_EVEN, 5 }, { "break-even", WF_INTENT_BREAK_EVEN, 5 },
  { "breakeven", WF_INTENT_BREAK_EVEN, 5 }, { "how many units", WF_INTENT_BREAK_EVEN, 3 },
  { "cover my costs", WF_INTENT_BREAK_EVEN, 3 }, { "cover costs", WF_INTENT_BREAK_EVEN, 3 },
  { "cover my fixed", WF_INTENT_BREAK_EVEN, 3 }, { "how many do i need to sell", WF_INTENT_BREAK_EVEN, 4 },
  { "need to sell", WF_INTENT_BREAK_EVEN, 3 },
  { "raise prices", WF_INTENT_PRICE_CHANGE, 4 }, { "raise my price", WF_INTENT_PRICE_CHANGE, 4 },
  { "raise our price", WF_INTENT_PRICE_CHANGE, 4 }, { "price increase", WF_INTENT_PRICE_CHANGE, 4 },
  { "increase prices", WF_INTENT_PRICE_CHANGE, 4 }, { "increase my price", WF_INTENT_PRICE_CHANGE, 4 },
  { "put up my price", WF_INTENT_PRICE_CHANGE, 4 }, { "put prices up", WF_INTENT_PRICE_CHANGE, 4 },
  { "cut prices", WF_INTENT_PRICE_CHANGE, 4 }, { "cut my price", WF_INTENT_PRICE_CHANGE, 4 },
  { "lower prices", WF_INTENT_PRICE_CHANGE, 4 }, { "lower my price", WF_INTENT_PRICE_CHANGE, 4 },
  { "lose customers", WF_INTENT_PRICE_CHANGE, 2 }, { "customers", WF_INTENT_PRICE_CHANGE, 1 },
  { "churn", WF_INTENT_PRICE_CHANGE, 1 }, { "price change", WF_INTENT_PRICE_CHANGE, 3 },
  { "raise rates", WF_INTENT_PRICE_CHANGE, 3 }, { "raise my rates", WF_INTENT_PRICE_CHANGE, 3 },
  { "runway", WF_INTENT_CASH_RUNWAY, 5 }, { "run out of cash", WF_INTENT_CASH_RUNWAY, 5 },
  { "run out of money", WF_INTENT_CASH_RUNWAY, 5 }, { "runs out", WF_INTENT_CASH_RUNWAY, 4 },
  { "burn", WF_INTENT_CASH_RUNWAY, 2 }, { "how long will my cash", WF_INTENT_CASH_RUNWAY, 4 },
  { "how long will the money", WF_INTENT_CASH_RUNWAY, 4 }, { "last", WF_INTENT_CASH_RUNWAY, 1 },
  { "payback", WF_INTENT_PAYBACK, 5 }, { "pay for itself", WF_INTENT_PAYBACK, 5 },
  { "pays for itself", WF_INTENT_PAYBACK, 5 }, { "pay back", WF_INTENT_PAYBACK, 4 },
  { "pay itself back", WF_INTENT_PAYBACK, 5 }, { "recoup", WF_INTENT_PAYBACK, 4 },
  { "earn back", WF_INTENT_PAYBACK, 4 }, { "get my money back", WF_INTENT_PAYBACK, 4 },
  { "margin", WF_INTENT_MARGIN_MARKUP, 3 }, { "markup", WF_INTENT_MARGIN_MARKUP, 4 },
  { "mark up", WF_INTENT_MARGIN_MARKUP, 4 }, { "mark-up", WF_INTENT_MARGIN_MARKUP, 4 },
  { "what should i charge", WF_INTENT_MARGIN_MARKUP, 3 }, { "what price", WF_INTENT_MARGIN_MARKUP, 2 },
  { "depreciat", WF_INTENT_DEPRECIATION, 5 }, { "straight-line", WF_INTENT_DEPRECIATION, 4 },
  { "straight line", WF_INTENT_DEPRECIATION, 4 }, { "declining balance", WF_INTENT_DEPRECIATION, 5 },
  { "book value", WF_INTENT_DEPRECIATION, 4 }, { "write down", WF_INTENT_DEPRECIATION, 2 },
  { "dso", WF_INTENT_WORKING_CAPITAL, 5 }, { "dio", WF_INTENT_WORKING_CAPITAL, 5 },
  { "dpo", WF_INTENT_WORKING_CAPITAL, 5 }, { "days sales outstanding", WF_INTENT_WORKING_CAPITAL, 5 },
  { "cash conversion cycle", WF_INTENT_WORKING_CAPITAL, 5 }, { "working capital", WF_INTENT_WORKING_CAPITAL, 4 },
  { "receivable", WF_INTENT_WORKING_CAPITAL, 2 }, { "payable", WF_INTENT_WORKING_CAPITAL, 2 },
  { "days to get paid", WF_INTENT_WORKING_CAPITAL, 3 },
  { "eoq", WF_INTENT_INVENTORY, 5 }, { "economic order quantity", WF_INTENT_INVENTORY, 5 },
  { "reorder point", WF_INTENT_INVENTORY, 5 }, { "order quantity", WF_INTENT_INVENTORY, 4 },
  { "how much stock", WF_INTENT_INVENTORY, 3 }, { "how many should i order", WF_INTENT_INVENTORY, 4 },
  { "safety stock", WF_INTENT_INVENTORY, 3 }, { "when to reorder", WF_INTENT_INVENTORY, 4 },
  { "hire", WF_INTENT_HIRING_COST, 3 }, { "hiring", WF_INTENT_HIRING_COST, 3 },
  { "new employee", WF_INTENT_HIRING_COST, 3 }, { "salary", WF_INTENT_HIRING_COST, 2 },
  { "headcount", WF_INTENT_HIRING_COST, 2 }, { "payroll", WF_INTENT_HIRING_COST, 2 },
  { "employ", WF_INTENT_HIRING_COST, 2 },
  { "savings", WF_INTENT_SAVINGS_GROWTH, 2 }, { "save", WF_INTENT_SAVINGS_GROWTH, 2 },
  { "retire", WF_INTENT_SAVINGS_GROWTH, 3 }, { "nest egg", WF_INTENT_SAVINGS_GROWTH, 3 },
  { "put away", WF_INTENT_SAVINGS_GROWTH, 3 }, { "put aside", WF_INTENT_SAVINGS_GROWTH, 3 },
  { "compound interest", WF_INTENT_SAVINGS_GROWTH, 3 }, { "how much will i have", WF_INTENT_SAVINGS_GROWTH, 3 },
  { "will it grow to", WF_INTENT_SAVINGS_GROWTH, 3 }, { "invest", WF_INTENT_SAVINGS_GROWTH, 1 },
  { "emergency fund", WF_INTENT_SAVINGS_GROWTH, 3 },
  /* The way owners say it, not the textbook name. */
  { "interest do i pay", WF_INTENT_LOAN_PAYMENT, 3 }, { "interest will i pay", WF_INTENT_LOAN_PAYMENT, 3 },
  { "interest would i pay", WF_INTENT_LOAN_PAYMENT, 3 }, { "interest do we pay", WF_INTENT_LOAN_PAYMENT, 3 },
  { "interest will we pay", WF_INTENT_LOAN_PAYMENT, 3 }, { "pay in interest", WF_INTENT_LOAN_PAYMENT, 3 },
  { "overdraft", WF_INTENT_LOAN_PAYOFF, 2 }, { "to clear", WF_INTENT_LOAN_PAYOFF, 2 },
  { "as an annual rate", WF_INTENT_RATE_CONVERSION, 4 }, { "annual rate is that", WF_INTENT_RATE_CONVERSION, 4 },
  { "annual equivalent", WF_INTENT_RATE_CONVERSION, 4 }, { "a year is that", WF_INTENT_RATE_CONVERSION, 3 },
  { "annualised", WF_INTENT_RATE_CONVERSION, 3 }, { "annualized", WF_INTENT_RATE_CONVERSION, 3 },
  { "where will we be", WF_INTENT_GROWTH, 2 }, { "where will it be", WF_INTENT_GROWTH, 2 },
  { "prices up", WF_INTENT_PRICE_CHANGE, 4 }, { "price up", WF_INTENT_PRICE_CHANGE, 4 },
  { "prices down", WF_INTENT_PRICE_CHANGE, 4 }, { "price down", WF_INTENT_PRICE_CHANGE, 4 },
  { "raise the price", WF_INTENT_PRICE_CHANGE, 4 }, { "put up prices", WF_INTENT_PRICE_CHANGE, 4 },
  { "price hike", WF_INTENT_PRICE_CHANGE, 4 }, { "up my prices", WF_INTENT_PRICE_CHANGE, 4 },
  { "drop my price", WF_INTENT_PRICE_CHANGE, 4 }, { "drop our price", WF_INTENT_PRICE_CHANGE, 4 },
  { "reduce my price", WF_INTENT_PRICE_CHANGE, 4 }, { "reduce prices", WF_INTENT_PRICE_CHANGE, 4 },
  { "reduce our price", WF_INTENT_PRICE_CHANGE, 4 },
  { "run out", WF_INTENT_CASH_RUNWAY, 4 }, { "running out", WF_INTENT_CASH_RUNWAY, 4 },
  { "for themselves", WF_INTENT_PAYBACK, 5 }, { "paid back", WF_INTENT_PAYBACK, 4 },
  { "pays back", WF_INTENT_PAYBACK, 4 }, { "pay itself off", WF_INTENT_PAYBACK, 5 },
  { "money back", WF_INTENT_PAYBACK, 4 }, { "earn it back", WF_INTENT_PAYBACK, 4 },
  { "conversion cycle", WF_INTENT_WORKING_CAPITAL, 4 }, { "cash cycle", WF_INTENT_WORKING_CAPITAL, 4 },
  { "cash tied up", WF_INTENT_WORKING_CAPITAL, 3 }, { "debtor days", WF_INTENT_WORKING_CAPITAL, 5 },
  { "creditor days", WF_INTENT_WORKING_CAPITAL, 5 }, { "days of stock", WF_INTENT_WORKING_CAPITAL, 3 },
  { "days of inventory", WF_INTENT_WORKING_CAPITAL, 3 }, { "pay suppliers", WF_INTENT_WORKING_CAPITAL, 2 },
  { "pay our suppliers", WF_INTENT_WORKING_CAPITAL, 2 }, { "pay my suppliers", WF_INTENT_WORKING_CAPITAL, 2 },
  { "customers pay in", WF_INTENT_WORKING_CAPITAL, 2 }, { "get paid in", WF_INTENT_WORKING_CAPITAL, 2 },
  { "get paid after", WF_INTENT_WORKING_CAPITAL, 2 },
  { "pay it back", WF_INTENT_PAYBACK, 4 }, { "pay them back", WF_INTENT_PAYBACK, 4 },
  { "should i charge", WF_INTENT_MARGIN_MARKUP, 3 }, { "should we charge", WF_INTENT_MARGIN_MARKUP, 3 },
  { "on-cost", WF_INTENT_HIRING_COST, 3 }, { "on costs", WF_INTENT_HIRING_COST, 3 },
  { "oncost", WF_INTENT_HIRING_COST, 3 }, { "national insurance", WF_INTENT_HIRING_COST, 3 },
  { "payroll tax", WF_INTENT_HIRING_COST, 3 }, { "employee cost", WF_INTENT_HIRING_COST, 3 },
  { "cost of an employee", WF_INTENT_HIRING_COST, 3 }, { "another employee", WF_INTENT_HIRING_COST, 3 },
  { "more employee", WF_INTENT_HIRING_COST, 3 }, { "extra employee", WF_INTENT_HIRING_COST, 3 },
  { "more staff", WF_INTENT_HIRING_COST, 3 }, { "extra staff", WF_INTENT_HIRING_COST, 3 },
  { "saved", WF_INTENT_SAVINGS_GROWTH, 2 }, { "saving", WF_INTENT_SAVINGS_GROWTH, 2 },
  { "reorder", WF_INTENT_INVENTORY, 4 }, { "run out of stock", WF_INTENT_INVENTORY, 5 },
  { "run out of inventory", WF_INTENT_INVENTORY, 5 },
};

/* Words that make a question financial at all (for general_model and refusal). */
static const char *finance_lexicon[] = {
  "money", "cash", "profit", "revenue", "price", "pricing", "cost", "costs", "invest", "budget",
  "tax", "loan", "salary", "business", "sales", "expense", "expenses",
  "dollar", "income", "margin", "afford", "debt", "finance",
  "financial", "forecast", "valuation", "equity", "dividend", "rent", "payroll",
  "invoice", "wage", "fee", "subscription", "inflation", "roi", "apr", "mortgage", "overdraft",
  "ebitda", "p&l", "balance sheet", "lease", "overhead", "savings", "cash flow",
  "$", "\xe2\x82\xac", "\xc2\xa3",
  /* Words below are weak alone, strong in these phrases. */
  "working capital", "cost of capital", "capital expenditure", "capex", "raise capital",
  "raising capital", "capital gains", "venture capital", "share capital", "capital investment",
  "interest rate", "compound interest", "interest-free", "interest free", "pay interest",
  "return on investment", "rate of return", "tax return", "exchange rate", "bank account",
  "bank balance", "pay off", "pay back", "get paid", "pay rise", "pay suppliers", "pay my staff",
};

/* Words that are about money only in context: "the capital of France", "no
 * interest in football", "when do you return", "pay attention". Alone, with
 * no amount and no strong word, they do not make a question financial. */
static const char *weak_lexicon[] = {
  "capital", "interest", "return", "rate", "worth", "buy", "sell", "fund", "bank", "shares",
  "quote", "currency", "earn", "spend", "pay", "customer", "spending", "paid", "bucks", "grand", "charge",
};

/* Requests the product must never try to do. */
static const char *destructive_patterns[] = {
  "rm -rf", "delete all", "delete my", "delete the", "delete every", "drop table", "drop database",
  "truncate table", "wipe", "format my", "format the disk", "erase", "destroy", "shutdown",
  "shut down the", "kill all", "/etc/passwd", "/etc/shadow", "ssh key", "private key",
  "password", "hack", "exploit", "malware", "ransomware", "keylogger", "steal", "launder",
  "money laundering", "evade tax", "tax evasion", "hide money from", "fork bomb", "ddos",
  "bypass the sandbox", "escape the sandbox", "reverse shell",
};

gboolean
wf_query_contains_word (const char *text,
                        const char *word)
{
  const char *hit = text;
  size_t len = strlen (word);

  while ((hit = strstr (hit, word)) != NULL)
    {
      gboolean before_ok = hit == text || !g_ascii_isalpha (hit[-1]) || !g_ascii_isalpha (word[0]);
      /* Patterns ending in a stem ("amortis", "doubl") match longer words. */
      gboolean after_ok = TRUE;

      if (len >= 2 && len <= 4 && g_ascii_isalpha (word[len - 1]))
        after_ok = !g_ascii_isalpha (hit[len]);
      if (before_ok && after_ok)
        return TRUE;
      hit += 1;
    }
  return FALSE;
}

static void
score_intents (const char *lower,
               int         scores[WF_INTENT_LAST])
{
  guint i;

  memset (scores, 0, sizeof (int) * WF_INTENT_LAST);
  for (i = 0; i < G_N_ELEMENTS (intent_words); i++)
    if (wf_query_contains_word (lower, intent_words[i].pattern))
      scores[intent_words[i].intent] += intent_words[i].weight;

  /* Combinations that settle common ambiguities. */
  if (scores[WF_INTENT_LOAN_PAYOFF] > 0 && wf_query_contains_word (lower, "how long"))
    scores[WF_INTENT_LOAN_PAYOFF] += 2;
  if (scores[WF_INTENT_CASH_RUNWAY] > 0 && wf_query_contains_word (lower, "how long"))
    scores[WF_INTENT_CASH_RUNWAY] += 1;
  if (wf_query_contains_word (lower, "how many months") && wf_query_contains_word (lower, "cash"))
    scores[WF_INTENT_CASH_RUNWAY] += 3;
  if (scores[WF_INTENT_PAYBACK] > 0)
    scores[WF_INTENT_SAVINGS_GROWTH] = MAX (0, scores[WF_INTENT_SAVINGS_GROWTH] - 2);
  if (scores[WF_INTENT_NPV_IRR] >= 3)
    scores[WF_INTENT_SAVINGS_GROWTH] = MAX (0, scores[WF_INTENT_SAVINGS_GROWTH] - 2);
  if (scores[WF_INTENT_PRICE_CHANGE] >= 4 && scores[WF_INTENT_MARGIN_MARKUP] > 0)
    scores[WF_INTENT_MARGIN_MARKUP] -= 1;
  if (scores[WF_INTENT_HIRING_COST] > 0 && scores[WF_INTENT_MARGIN_MARKUP] == 0)
    scores[WF_INTENT_SAVINGS_GROWTH] = MAX (0, scores[WF_INTENT_SAVINGS_GROWTH] - 1);
  if (scores[WF_INTENT_LOAN_PAYOFF] >= 3 && scores[WF_INTENT_LOAN_PAYMENT] > 0 &&
      !wf_query_contains_word (lower, "monthly payment") && !wf_query_contains_word (lower, "payment be"))
    scores[WF_INTENT_LOAN_PAYMENT] -= 1;
  if (scores[WF_INTENT_BREAK_EVEN] >= 5)
    scores[WF_INTENT_PAYBACK] = MAX (0, scores[WF_INTENT_PAYBACK] - 2);
  if (scores[WF_INTENT_GROWTH] > 0 && scores[WF_INTENT_SAVINGS_GROWTH] >= 2 &&
      scores[WF_INTENT_GROWTH] < 5)
    scores[WF_INTENT_GROWTH] -= 1;
  if (scores[WF_INTENT_RATE_CONVERSION] > 0 && scores[WF_INTENT_LOAN_PAYMENT] > 0 &&
      scores[WF_INTENT_RATE_CONVERSION] >= 3)
    scores[WF_INTENT_LOAN_PAYMENT] = MAX (0, scores[WF_INTENT_LOAN_PAYMENT] - 2);
  if (scores[WF_INTENT_TIME_VALUE] >= 4)
    scores[WF_INTENT_SAVINGS_GROWTH] = MAX (0, scores[WF_INTENT_SAVINGS_GROWTH] - 2);
  /* "how much interest will I earn" is money growing, not a loan. */
  if (scores[WF_INTENT_LOAN_PAYMENT] > 0 && wf_query_contains_word (lower, "interest") &&
      !wf_query_contains_word (lower, "loan") && !wf_query_contains_word (lower, "borrow") &&
      (wf_query_contains_word (lower, "earn") || wf_query_contains_word (lower, "earning") || wf_query_contains_word (lower, "savings") ||
       wf_query_contains_word (lower, "deposit") || wf_query_contains_word (lower, "invest")))
    scores[WF_INTENT_LOAN_PAYMENT] = MAX (0, scores[WF_INTENT_LOAN_PAYMENT] - 2);
  /* "how much will I pay back on a 12k loan" is the loan's total, not a payback period. */
  if (scores[WF_INTENT_PAYBACK] > 0 &&
      (wf_query_contains_word (lower, "loan") || wf_query_contains_word (lower, "mortgage") || wf_query_contains_word (lower, "borrow")) &&
      !wf_query_contains_word (lower, "itself") && !wf_query_contains_word (lower, "themselves") &&
      !wf_query_contains_word (lower, "payback") && !wf_query_contains_word (lower, "recoup"))
    scores[WF_INTENT_PAYBACK] = MAX (0, scores[WF_INTENT_PAYBACK] - 4);
  /* "run out of stock" is about ordering, not cash. */
  if (scores[WF_INTENT_INVENTORY] >= 5 && scores[WF_INTENT_CASH_RUNWAY] > 0 &&
      !wf_query_contains_word (lower, "cash") && !wf_query_contains_word (lower, "money"))
    scores[WF_INTENT_CASH_RUNWAY] = 0;
}


/* ---- shapes -------------------------------------------------------------- */

/* What the amounts of a question look like, whatever its words: a lump sum and
 * an amount every year is an investment; one lump sum, an interest rate and a
 * period is money growing at interest. Owners often give the numbers and
 * leave the name of the calculation out. */
typedef struct
{
  guint lump;               /* money (or a plain number) given once */
  guint lump_money;         /* of which written as money */
  guint periodic;           /* money a month, a year or a day */
  guint monthly;            /* of which a month (or a week) */
  guint percents;
  guint rate_percents;      /* worded as interest, a return, a discount rate, or bare ("at 6%") */
  guint other_percents;     /* worded as growth, a price change, a loss, a margin… */
  guint monthly_percents;
  guint apr_percents;       /* "7% APR" */
  guint periods;            /* months, quarters, years: not days */
  guint counts;
} Shape;

static void
shape_of (const char *lower,
          GPtrArray  *quantities,
          Shape      *shape)
{
  guint i;

  memset (shape, 0, sizeof *shape);
  for (i = 0; i < quantities->len; i++)
    {
      WfQuantity *q = g_ptr_array_index (quantities, i);
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;
      int role;

      switch (q->kind)
        {
        case WF_QUERY_KIND_MONEY:
        case WF_QUERY_KIND_NUMBER:
          /* "in 2030" is a date, not an amount. */
          if (q->kind == WF_QUERY_KIND_NUMBER && q->value >= 1900 && q->value <= 2100)
            break;
          if (q->per_month || q->per_year || q->per_day || q->per_week)
            {
              shape->periodic++;
              if (q->per_month || q->per_week)
                shape->monthly++;
            }
          else
            {
              shape->lump++;
              if (q->kind == WF_QUERY_KIND_MONEY)
                shape->lump_money++;
            }
          break;
        case WF_QUERY_KIND_PERCENT:
          wf_query_quantity_windows (lower, quantities, i, &before, &after);
          role = wf_query_percent_role (before, after);
          shape->percents++;
          if (role < 0 || role == WF_SLOT_RATE || role == WF_SLOT_DISCOUNT_RATE)
            shape->rate_percents++;
          else
            shape->other_percents++;
          if (q->per_month)
            shape->monthly_percents++;
          if (wf_query_starts_word (wf_query_skip_spaces (after), "apr"))
            shape->apr_percents++;
          break;
        case WF_QUERY_KIND_PERIOD:
          if (!g_str_has_prefix (q->noun, "day"))
            shape->periods++;
          break;
        case WF_QUERY_KIND_COUNT:
          shape->counts++;
          break;
        default:
          break;
        }
    }
}

static void
score_shapes (const char *lower,
              GPtrArray  *quantities,
              int         scores[WF_INTENT_LAST])
{
  static const char *discounting[] = {
    "discount rate", "cost of capital", "hurdle", "wacc", "required return", "required rate",
    "opportunity cost", "discounted at", NULL,
  };
  static const char *should[] = {
    "should i", "should we", "good investment", "worth it", "is it worth", "worth doing",
    "make sense", "makes sense", "good idea", "good deal", NULL,
  };
  /* A business's own figures grow; money at a rate earns interest. */
  static const char *business_nouns[] = {
    "revenue", "sales", "turnover", "customers", "clients", "users", "subscribers", "profit",
    "profits", "members", "orders", "visitors", "followers", "traffic", "downloads", "headcount",
    NULL,
  };
  static const char *repayment[] = {
    "payment", "payments", "repayment", "repayments", "instalment", "instalments", "installment",
    "installments", NULL,
  };
  static const char *per_month_asked[] = { "monthly", "a month", "per month", "/mo", NULL };
  static const char *how_long[] = {
    "how long", "how many months", "how many years", "how many payments", "how soon", "when will",
    "when can", "when do", "when does", "when is", "when would", NULL,
  };
  static const char *return_asked[] = {
    "what return", "what's the return", "what is the return", "return do i get", "return would i get",
    "return will i get", "return do we get", "what's my return", "what is my return", "percentage return",
    NULL,
  };
  static const char *how_much[] = {
    "how much", "what will", "what would", "end up", "will i have", "will we have", "be worth", NULL,
  };
  static const char *each_month[] = { "each month", "a month", "per month", "every month", "monthly", NULL };
  static const char *grew[] = {
    "return", "grew", "grown", "growth", "now worth", "is worth", "went from", "gone up", "increase", NULL,
  };
  Shape shape;
  int loans = scores[WF_INTENT_LOAN_PAYMENT] + scores[WF_INTENT_LOAN_PAYOFF];
  int other = 0;
  int i;

  shape_of (lower, quantities, &shape);

  /* Investment appraisal: a cost now, money every year, and a rate to
   * discount it at ("my cost of capital is 8%") or a should-I. */
  if (shape.lump >= 1 && shape.periodic >= 1 && scores[WF_INTENT_PAYBACK] == 0 && loans == 0)
    {
      if (wf_query_has_any (lower, discounting))
        scores[WF_INTENT_NPV_IRR] += 3;
      else if (shape.rate_percents >= 1 && shape.periods >= 1 && wf_query_has_any (lower, should))
        scores[WF_INTENT_NPV_IRR] += 3;
    }

  /* A loan in figures: "15,000 bucks, 4 years, 7% APR - monthly?" */
  if (shape.lump_money == 1 && shape.periodic == 0 && shape.rate_percents >= 1 && shape.periods >= 1 &&
      shape.other_percents == 0 && scores[WF_INTENT_SAVINGS_GROWTH] == 0 &&
      scores[WF_INTENT_TIME_VALUE] == 0 && !wf_query_contains_word (lower, "compound") &&
      (shape.apr_percents >= 1 || wf_query_has_any (lower, repayment) || wf_query_has_any (lower, per_month_asked)))
    scores[WF_INTENT_LOAN_PAYMENT] += 3;

  /* A balance, an interest rate and a monthly payment, and "how long". */
  if (shape.lump_money >= 1 && shape.monthly == 1 && shape.periodic == 1 && shape.rate_percents >= 1 &&
      shape.other_percents == 0 && scores[WF_INTENT_SAVINGS_GROWTH] == 0 && wf_query_has_any (lower, how_long))
    scores[WF_INTENT_LOAN_PAYOFF] += 3;

  /* "1.5% a month, what's that a year?": only a monthly rate. */
  if (shape.percents == 1 && shape.monthly_percents == 1 && shape.lump == 0 && shape.periodic == 0 &&
      shape.counts == 0 && shape.periods == 0 && loans == 0)
    scores[WF_INTENT_RATE_CONVERSION] += 3;

  /* A business's figures growing by a percentage: "1,200 customers growing 5% a month". */
  if (scores[WF_INTENT_GROWTH] > 0 && shape.lump + shape.counts >= 1 && shape.percents >= 1 &&
      shape.periodic == 0 && wf_query_has_any (lower, business_nouns))
    scores[WF_INTENT_GROWTH] += 2;

  /* What an investment returns: a cost now, money every year, "what return". */
  if (shape.lump >= 1 && shape.periodic >= 1 && loans == 0 && wf_query_has_any (lower, return_asked))
    scores[WF_INTENT_NPV_IRR] += 4;

  /* Cash in the bank, spending a month and "how long": a runway. */
  if (shape.lump_money >= 1 && shape.monthly >= 1 && shape.rate_percents == 0 && loans == 0 &&
      scores[WF_INTENT_SAVINGS_GROWTH] == 0 && scores[WF_INTENT_PAYBACK] == 0 &&
      scores[WF_INTENT_NPV_IRR] == 0 && wf_query_has_any (lower, how_long))
    scores[WF_INTENT_CASH_RUNWAY] += 3;

  /* Two amounts, a period and no rate, "what's the return": the growth rate
   * from one to the other ("invested 80k 3 years ago, now worth 110k"). */
  if (shape.lump == 2 && shape.periodic == 0 && shape.percents == 0 && shape.periods == 1 && loans == 0 &&
      scores[WF_INTENT_NPV_IRR] == 0 && scores[WF_INTENT_PAYBACK] == 0 && wf_query_has_any (lower, grew))
    scores[WF_INTENT_GROWTH] += 4;

  /* A monthly amount put in at a rate for some years, "how much": savings. */
  if (shape.lump <= 1 && shape.monthly == 1 && shape.periodic == 1 && shape.rate_percents == 1 &&
      shape.other_percents == 0 && shape.periods >= 1 && loans == 0 && scores[WF_INTENT_PAYBACK] == 0 &&
      scores[WF_INTENT_NPV_IRR] == 0 && scores[WF_INTENT_CASH_RUNWAY] == 0 && wf_query_has_any (lower, how_much))
    scores[WF_INTENT_SAVINGS_GROWTH] += 3;

  /* One lump sum, one interest rate, a period and nothing else: what the money
   * becomes (or is worth today). Savings and growth words lose to this: the
   * savings template would add monthly deposits nobody mentioned. */
  for (i = WF_INTENT_NONE + 1; i < WF_INTENT_GENERAL_MODEL; i++)
    if (i != WF_INTENT_GROWTH && i != WF_INTENT_SAVINGS_GROWTH && i != WF_INTENT_TIME_VALUE &&
        i != WF_INTENT_RATE_CONVERSION)
      other = MAX (other, scores[i]);
  if (other == 0 && shape.lump == 1 && shape.periodic == 0 && shape.percents == 1 &&
      shape.rate_percents == 1 && shape.periods >= 1 && shape.counts == 0 &&
      !wf_query_has_any (lower, business_nouns) && !wf_query_has_any (lower, each_month))
    scores[WF_INTENT_TIME_VALUE] = MAX (MAX (scores[WF_INTENT_TIME_VALUE], 4),
                                        MAX (scores[WF_INTENT_GROWTH], scores[WF_INTENT_SAVINGS_GROWTH]) + 1);
}

/* ---- follow-ups ---------------------------------------------------------- */

static gboolean
looks_like_follow_up (const char *lower,
                      guint       n_words)
{
  static const char *openers[] = {
    "what about", "how about", "what if", "and ", "now ", "try ", "instead", "with ",
    "at ", "over ", "for ", "same ", "ok ", "okay ", "then ", "but ", "make it", "change ",
    "use ", "if ", "say ", "and if", "what would", NULL,
  };
  const char *s = lower;
  int i;

  while (*s == ' ')
    s++;
  if (n_words > 14)
    return FALSE;
  for (i = 0; openers[i] != NULL; i++)
    if (g_str_has_prefix (s, openers[i]))
      return TRUE;
  return wf_query_contains_word (lower, "instead") || wf_query_contains_word (lower, "same but") ||
         wf_query_contains_word (lower, "same thing");
}

/* The slot a bare "what about 10%?" changes, per intent. */
static WfSlot
primary_slot (WfIntent    intent,
              WfQueryKind kind)
{
  if (kind == WF_QUERY_KIND_PERIOD)
    return WF_SLOT_TERM_MONTHS;
  if (kind == WF_QUERY_KIND_PERCENT)
    switch (intent)
      {
      case WF_INTENT_NPV_IRR:
        return WF_SLOT_DISCOUNT_RATE;
      case WF_INTENT_GROWTH:
      case WF_INTENT_PAYBACK:
      case WF_INTENT_CASH_RUNWAY:
        return WF_SLOT_GROWTH;
      case WF_INTENT_PRICE_CHANGE:
        return WF_SLOT_PRICE_CHANGE;
      case WF_INTENT_MARGIN_MARKUP:
        return WF_SLOT_MARGIN;
      case WF_INTENT_HIRING_COST:
        return WF_SLOT_OVERHEAD_RATE;
      case WF_INTENT_NONE:
      case WF_INTENT_LOAN_PAYMENT:
      case WF_INTENT_LOAN_PAYOFF:
      case WF_INTENT_TIME_VALUE:
      case WF_INTENT_RATE_CONVERSION:
      case WF_INTENT_BREAK_EVEN:
      case WF_INTENT_DEPRECIATION:
      case WF_INTENT_WORKING_CAPITAL:
      case WF_INTENT_INVENTORY:
      case WF_INTENT_SAVINGS_GROWTH:
      case WF_INTENT_GENERAL_MODEL:
      case WF_INTENT_LAST:
      default:
        return WF_SLOT_RATE;
      }
  if (kind == WF_QUERY_KIND_COUNT)
    switch (intent)
      {
      case WF_INTENT_HIRING_COST:
        return WF_SLOT_HEADCOUNT;
      case WF_INTENT_PRICE_CHANGE:
        return WF_SLOT_CUSTOMERS;
      default:
        return WF_SLOT_UNITS;
      }
  switch (intent)
    {
    case WF_INTENT_LOAN_PAYMENT:
    case WF_INTENT_LOAN_PAYOFF:
      return WF_SLOT_PRINCIPAL;
    case WF_INTENT_NPV_IRR:
    case WF_INTENT_PAYBACK:
    case WF_INTENT_DEPRECIATION:
      return WF_SLOT_INVESTMENT;
    case WF_INTENT_BREAK_EVEN:
    case WF_INTENT_PRICE_CHANGE:
      return WF_SLOT_PRICE;
    case WF_INTENT_CASH_RUNWAY:
      return WF_SLOT_CASH;
    case WF_INTENT_MARGIN_MARKUP:
      return WF_SLOT_UNIT_COST;
    case WF_INTENT_HIRING_COST:
      return WF_SLOT_SALARY;
    case WF_INTENT_SAVINGS_GROWTH:
      return WF_SLOT_DEPOSIT;
    case WF_INTENT_GROWTH:
    case WF_INTENT_TIME_VALUE:
      return WF_SLOT_AMOUNT;
    case WF_INTENT_NONE:
    case WF_INTENT_RATE_CONVERSION:
    case WF_INTENT_WORKING_CAPITAL:
    case WF_INTENT_INVENTORY:
    case WF_INTENT_GENERAL_MODEL:
    case WF_INTENT_LAST:
    default:
      return WF_SLOT_AMOUNT;
    }
}

static WfQueryParams *
follow_up_params (const char          *lower,
                  GPtrArray           *quantities,
                  WfIntent             intent,
                  const WfQueryParams *previous)
{
  WfQueryParams *params = wf_query_params_copy (previous);
  g_autoptr(WfQueryParams) update = wf_query_params_new ();
  guint i;

  /* Roles the wording tells win; bare numbers change the intent's main slot. */
  wf_query_assign_roles (lower, quantities, intent, update);
  for (i = 0; i < quantities->len; i++)
    {
      WfQuantity *q = g_ptr_array_index (quantities, i);
      WfSlot slot = primary_slot (intent, q->kind);
      int k;
      gboolean placed = FALSE;

      for (k = 0; k < WF_SLOT_LAST; k++)
        if (!isnan (update->values[k]) && update->values[k] == q->value)
          placed = TRUE;
      if (q->kind == WF_QUERY_KIND_PERIOD)
        placed = FALSE;
      if (!placed || q->kind == WF_QUERY_KIND_PERIOD)
        {
          double v = q->value;

          if (q->kind == WF_QUERY_KIND_PERCENT && slot == WF_SLOT_RATE && q->per_month)
            v *= 12.0;
          /* A bare percent replaces the main rate even if the roles guessed another slot. */
          if (q->kind == WF_QUERY_KIND_PERCENT)
            {
              int k2;

              for (k2 = 0; k2 < WF_SLOT_LAST; k2++)
                if (!isnan (update->values[k2]) && fabs (fabs (update->values[k2]) - fabs (q->value)) < 1e-12 &&
                    isnan (previous->values[k2]))
                  update->values[k2] = NAN;
            }
          update->values[slot] = v;
        }
    }
  wf_query_params_merge (params, update);
  return params;
}

/* ---- the router ---------------------------------------------------------- */

static double
confidence_for (int         best_score,
                int         second_score,
                guint       n_quantities)
{
  double c;

  if (best_score >= 5)
    c = 0.95;
  else if (best_score == 4)
    c = 0.9;
  else if (best_score == 3)
    c = 0.85;
  else if (best_score == 2)
    c = 0.65;
  else if (best_score == 1)
    c = 0.5;
  else
    c = 0.0;
  if (best_score > 0 && best_score <= 3 && n_quantities >= 2)
    c += 0.1;
  if (best_score > 0 && n_quantities == 0)
    c -= 0.1;
  /* Two intents as likely as each other: ask, don't guess. */
  if (second_score > 0 && best_score - second_score <= 0 )
    c = MIN (c, 0.7);
  return CLAMP (c, 0.0, 1.0);
}

/* Phrases that point at the user's own records rather than a hypothetical. */
static const char * const data_phrases[] = {
  "my data", "our data", "my dataset", "our dataset", "the dataset", "imported",
  "my spreadsheet", "our spreadsheet", "my csv", "our csv",
  "my sales", "our sales", "my customers", "our customers", "my top", "our top",
  "my invoices", "our invoices", "my transactions", "our transactions",
  "my orders", "our orders", "my expenses", "our expenses",
};

gboolean
wf_query_mentions_data (const char         *text,
                        const char * const *dataset_names)
{
  g_autofree char *lower = NULL;

  if (text == NULL || dataset_names == NULL || dataset_names[0] == NULL)
    return FALSE;
  lower = g_utf8_strdown (text, -1);
  for (gsize i = 0; i < G_N_ELEMENTS (data_phrases); i++)
    if (wf_query_contains_word (lower, data_phrases[i]))
      return TRUE;
  for (gsize i = 0; dataset_names[i] != NULL; i++)
    {
      g_autofree char *name = g_utf8_strdown (dataset_names[i], -1);

      /* Very short names ("a", "q1") would match ordinary words. */
      if (strlen (name) < 3)
        continue;
      if (wf_query_contains_word (lower, name))
        return TRUE;
      g_strdelimit (name, "_-", ' ');
      if (wf_query_contains_word (lower, name))
        return TRUE;
    }
  return FALSE;
}

/* Money questions only live data answers: a share or coin price, what one
 * currency is in another. No template has them; a model may. */
static gboolean
asks_market_data (const char *lower)
{
  static const char *market[] = {
    "stock market", "stock price", "share price", "stocks", "shares", "crypto", "bitcoin", "good buy",
    "exchange rate", "forex", NULL,
  };
  static const char *currencies[][4] = {
    { "usd", "dollar", "dollars", NULL }, { "eur", "euro", "euros", NULL }, { "gbp", "pound", "pounds", NULL },
    { "chf", "franc", "francs", NULL }, { "jpy", "yen", NULL, NULL },
  };
  guint i, k, named = 0;

  if (wf_query_has_any (lower, market))
    return TRUE;
  for (i = 0; i < G_N_ELEMENTS (currencies); i++)
    for (k = 0; k < G_N_ELEMENTS (currencies[i]) && currencies[i][k] != NULL; k++)
      if (wf_query_contains_word (lower, currencies[i][k]))
        {
          named++;
          break;
        }
  return named >= 2;
}


/* CURRENCY: the code the question names, "" for none. */
static WfRoute *
route_question (const char            *text,
                const char            *currency,
                const WfQueryContext  *context,
                GError               **error)
{
  WfQueryContext defaults;
  g_autoptr(WfRoute) route = NULL;
  g_autoptr(GPtrArray) quantities = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *foreign = NULL;
  g_autofree char *typo_free = NULL;
  g_auto(GStrv) words = NULL;
  int scores[WF_INTENT_LAST];
  int best = WF_INTENT_NONE;
  int second_score = 0;
  static const char *deposit_asked[] = {
    "how much should i", "how much do i need to", "how much must i", "how much would i need to",
    "how much should we", "how much do we need to", "need to save", "need to put", NULL,
  };
  int lexicon_hits = 0;          /* strong money words and phrases */
  int weak_hits = 0;             /* words that are about money only in context */
  gboolean has_amount = FALSE;   /* money, a percentage, a count or a named currency */
  guint n_words;
  guint i;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, WF_QUERY_ROUTER_ERROR, WF_QUERY_ROUTER_ERROR_INVALID,
                           _("The question is not valid UTF-8 text."));
      return NULL;
    }
  if (strlen (text) > WF_QUERY_MAX_LENGTH)
    {
      g_set_error (error, WF_QUERY_ROUTER_ERROR, WF_QUERY_ROUTER_ERROR_INVALID,
                   _("The question is too long (more than %d characters). Shorten it and ask again."),
                   WF_QUERY_MAX_LENGTH);
      return NULL;
    }
  foreign = wf_query_normalise_foreign (text);
  if (foreign != NULL)
    text = foreign;
  typo_free = wf_query_normalise_typos (text);
  if (typo_free != NULL)
    text = typo_free;
  /* Not stripped: the quantities' byte offsets index this same text. */
  lower = g_ascii_strdown (text, -1);
  if (strspn (lower, " \t\r\n") == strlen (lower))
    {
      g_set_error_literal (error, WF_QUERY_ROUTER_ERROR, WF_QUERY_ROUTER_ERROR_INVALID,
                           _("The question is empty."));
      return NULL;
    }
  if (context == NULL)
    {
      wf_query_context_init (&defaults);
      context = &defaults;
    }

  route = g_new0 (WfRoute, 1);
  route->options = g_ptr_array_new_with_free_func (g_free);
  words = g_strsplit_set (lower, " \t\n", -1);
  n_words = 0;
  for (i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      n_words++;

  for (i = 0; i < G_N_ELEMENTS (destructive_patterns); i++)
    if (strstr (lower, destructive_patterns[i]) != NULL)
      {
        route->decision = WF_ROUTE_DECISION_REFUSE;
        route->intent = WF_INTENT_NONE;
        route->confidence = 0.0;
        route->reason = g_strdup (_("This asks for something destructive or unsafe (deleting, wiping, "
                                    "breaking in or hiding money). What If only builds financial models."));
        route->params = context->previous_params ? wf_query_params_copy (context->previous_params)
                                                 : wf_query_params_new ();
        return g_steal_pointer (&route);
      }

  quantities = wf_query_extract (text);
  wf_query_combine_hourly (lower, quantities);
  if (wf_query_mentions_data (text, context->dataset_names))
    {
      route->decision = WF_ROUTE_DECISION_ROUTE;
      route->intent = WF_INTENT_GENERAL_MODEL;
      route->confidence = 0.9;
      route->reason = g_strdup (_("The question is about your imported data."));
      route->params = wf_query_params_new ();
      wf_query_assign_roles (lower, quantities, WF_INTENT_GENERAL_MODEL, route->params);
      return g_steal_pointer (&route);
    }
  score_intents (lower, scores);
  score_shapes (lower, quantities, scores);
  for (i = 1; i < WF_INTENT_GENERAL_MODEL; i++)
    if (scores[i] > scores[best])
      best = (int) i;
  for (i = 1; i < WF_INTENT_GENERAL_MODEL; i++)
    if ((int) i != best && scores[i] > second_score)
      second_score = scores[i];
  for (i = 0; i < G_N_ELEMENTS (finance_lexicon); i++)
    if (wf_query_contains_word (lower, finance_lexicon[i]))
      lexicon_hits++;
  for (i = 0; i < G_N_ELEMENTS (weak_lexicon); i++)
    if (wf_query_contains_word (lower, weak_lexicon[i]))
      weak_hits++;
  for (i = 0; i < quantities->len; i++)
    {
      WfQuantity *q = g_ptr_array_index (quantities, i);

      /* "9,125 units", "40 customers" are a business's numbers too. */
      if (q->kind == WF_QUERY_KIND_MONEY || q->kind == WF_QUERY_KIND_PERCENT ||
          q->kind == WF_QUERY_KIND_COUNT)
        has_amount = TRUE;
    }
  if (*currency != '\0')
    has_amount = TRUE;

  /* A short follow-up with no strong intent of its own continues the last turn. */
  if (context->previous_intent > WF_INTENT_NONE && context->previous_intent < WF_INTENT_GENERAL_MODEL &&
      context->previous_params != NULL && scores[best] < 4 &&
      (looks_like_follow_up (lower, n_words) || (n_words <= 4 && (quantities->len > 0 || *currency != '\0'))))
    {
      route->decision = WF_ROUTE_DECISION_ROUTE;
      route->intent = context->previous_intent;
      route->follow_up = TRUE;
      /* "and in euros?" changes no number but is as clear as one that does. */
      route->confidence = quantities->len > 0 || *currency != '\0' ? 0.9 : 0.6;
      route->params = follow_up_params (lower, quantities, route->intent, context->previous_params);
      if (route->confidence < context->route_threshold)
        {
          route->decision = WF_ROUTE_DECISION_CLARIFY;
          route->clarify_question = g_strdup (_("Which number should change?"));
          route->reason = g_strdup (_("The follow-up gives no new number."));
          g_ptr_array_unref (route->options);
          route->options = wf_query_clarify_options (scores, route->intent, route->params);
        }
      return g_steal_pointer (&route);
    }

  /* "is apple stock a good buy", "convert 100 usd to eur" */
  if (scores[best] < 4 && asks_market_data (lower))
    {
      route->decision = WF_ROUTE_DECISION_ROUTE;
      route->intent = WF_INTENT_GENERAL_MODEL;
      route->confidence = 0.85;
      route->reason = g_strdup (_("The question needs market data (a share price or an exchange rate)."));
      route->params = wf_query_params_new ();
      wf_query_assign_roles (lower, quantities, WF_INTENT_GENERAL_MODEL, route->params);
      return g_steal_pointer (&route);
    }

  if (scores[best] == 0)
    {
      route->params = wf_query_params_new ();
      wf_query_assign_roles (lower, quantities, WF_INTENT_GENERAL_MODEL, route->params);
      /* "what is the capital of France": a weak word counts only next to an
       * amount or a strong money word. */
      if (lexicon_hits > 0 || has_amount)
        lexicon_hits += weak_hits;
      if (lexicon_hits >= 2 || (lexicon_hits >= 1 && quantities->len > 0))
        {
          route->intent = WF_INTENT_GENERAL_MODEL;
          route->confidence = lexicon_hits >= 2 ? 0.8 : 0.6;
        }
      else if (lexicon_hits == 1)
        {
          route->intent = WF_INTENT_GENERAL_MODEL;
          route->confidence = 0.4;
        }
      else
        {
          route->intent = WF_INTENT_NONE;
          route->confidence = quantities->len > 0 ? 0.2 : 0.05;
        }
    }
  else
    {
      route->intent = (WfIntent) best;
      route->confidence = confidence_for (scores[best], second_score, quantities->len);
      route->params = wf_query_params_new ();
      wf_query_assign_roles (lower, quantities, route->intent, route->params);
      route->params->focus = wf_query_detect_focus (lower, route->intent, route->params);
      /* "how much should I put away each month to have 20k": the deposit is
       * what is asked, which the savings template cannot solve for. */
      if (route->intent == WF_INTENT_SAVINGS_GROWTH && quantities->len > 0 &&
          !wf_query_params_has (route->params, WF_SLOT_DEPOSIT) && wf_query_has_any (lower, deposit_asked))
        {
          route->intent = WF_INTENT_GENERAL_MODEL;
          g_clear_pointer (&route->params->focus, g_free);
        }
      /* A weak pattern ("last", "save") in a sentence with no money word and
       * no amount is not a financial question. */
      if (scores[best] <= 2 && lexicon_hits + weak_hits == 0 && !has_amount)
        route->confidence = MIN (route->confidence, 0.2);
    }

  if (route->confidence >= context->route_threshold)
    route->decision = WF_ROUTE_DECISION_ROUTE;
  else if (route->confidence < context->refuse_threshold)
    {
      route->decision = WF_ROUTE_DECISION_REFUSE;
      if (quantities->len > 0 && route->intent == WF_INTENT_NONE)
        /* xgettext:no-c-format */
        route->reason = g_strdup (_("There is a number here but no money question to apply it to. Ask the "
                                    "whole question, for example “What is the monthly payment on a $40,000 "
                                    "loan at 10% over 5 years?”"));
      else
        route->reason = g_strdup (_("This does not look like a question about money. What If answers "
                                    "financial questions: loans, prices, cash, investments, hiring, growth."));
    }
  else
    {
      route->decision = WF_ROUTE_DECISION_CLARIFY;
      route->reason = g_strdup (_("The question could mean more than one calculation."));
      route->clarify_question = g_strdup (_("Which of these do you want to work out?"));
      g_ptr_array_unref (route->options);
      if (route->intent == WF_INTENT_GENERAL_MODEL)
        wf_query_hint_intents (lower, scores);
      /* "€8 of fixed costs" for a question in euros */
      if (*currency != '\0')
        memcpy (route->params->currency, currency, sizeof route->params->currency);
      route->options = wf_query_clarify_options (scores, route->intent, route->params);
    }
  return g_steal_pointer (&route);
}

WfRoute *
wf_query_route (const char            *text,
                const WfQueryContext  *context,
                GError               **error)
{
  char currency[4];
  WfRoute *route;

  /* Read from the text as the user wrote it, before foreign words are
   * rewritten. Whatever the route, a currency named here replaces the one
   * in force; a follow-up that names none keeps it (route_question copied
   * it with the previous parameters). */
  wf_currency_detect (text, currency);
  route = route_question (text, currency, context, error);
  if (route != NULL && route->params != NULL && *currency != '\0')
    {
      memcpy (route->params->currency, currency, sizeof currency);
      route->params->currency_assumed = FALSE;
    }
  return route;
}
