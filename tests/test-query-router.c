/* test-query-router.c: intents, extraction, thresholds, clarify, refuse, follow-ups
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-query-router"

#include "config.h"

#include <math.h>
#include <string.h>

#include "wf-query-router.h"

/* ---- extraction -------------------------------------------------------------- */

typedef struct
{
  const char  *text;
  WfQueryKind  kind;
  double       value;
} Extract;

static const Extract extracts[] = {
  { "a 40k van", WF_QUERY_KIND_MONEY, 40000 },
  { "about $1.2m in sales", WF_QUERY_KIND_MONEY, 1200000 },
  { "1.2M", WF_QUERY_KIND_MONEY, 1200000 },
  { "40,000", WF_QUERY_KIND_MONEY, 40000 },
  { "\xe2\x82\xac" "500 a month", WF_QUERY_KIND_MONEY, 500 },
  { "\xc2\xa3" "2,500", WF_QUERY_KIND_MONEY, 2500 },
  { "40 thousand", WF_QUERY_KIND_MONEY, 40000 },
  { "2bn", WF_QUERY_KIND_MONEY, 2e9 },
  { "3 million dollars", WF_QUERY_KIND_MONEY, 3e6 },
  { "$250", WF_QUERY_KIND_MONEY, 250 },
  { "at 7.5%", WF_QUERY_KIND_PERCENT, 0.075 },
  { "12 percent", WF_QUERY_KIND_PERCENT, 0.12 },
  { "5 years", WF_QUERY_KIND_PERIOD, 60 },
  { "a 5-year loan", WF_QUERY_KIND_PERIOD, 60 },
  { "18 months", WF_QUERY_KIND_PERIOD, 18 },
  { "8 quarters", WF_QUERY_KIND_PERIOD, 24 },
  { "300 customers", WF_QUERY_KIND_COUNT, 300 },
  { "3 new hires", WF_QUERY_KIND_COUNT, 3 },
  { "1,500 units", WF_QUERY_KIND_COUNT, 1500 },
  { "in 2030", WF_QUERY_KIND_NUMBER, 2030 },
};

static void
test_extract (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (extracts); i++)
    {
      g_autoptr(GPtrArray) found = wf_query_extract (extracts[i].text);
      WfQuantity *q;

      g_test_message ("%s", extracts[i].text);
      g_assert_cmpuint (found->len, ==, 1);
      q = g_ptr_array_index (found, 0);
      g_assert_cmpint (q->kind, ==, extracts[i].kind);
      g_assert_cmpfloat_with_epsilon (q->value, extracts[i].value, 1e-9 * MAX (1, extracts[i].value));
    }
}

static void
test_extract_per_period (void)
{
  g_autoptr(GPtrArray) found = wf_query_extract ("rent $2,000 a month, 1.5% per month, salary 60k per year");
  WfQuantity *q;

  g_assert_cmpuint (found->len, ==, 3);
  q = g_ptr_array_index (found, 0);
  g_assert_true (q->per_month);
  q = g_ptr_array_index (found, 1);
  g_assert_cmpint (q->kind, ==, WF_QUERY_KIND_PERCENT);
  g_assert_true (q->per_month);
  q = g_ptr_array_index (found, 2);
  g_assert_true (q->per_year);
}

static void
test_extract_hostile (void)
{
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;
  g_autoptr(GPtrArray) c = NULL;
  GString *big = g_string_new (NULL);
  int i;

  a = wf_query_extract ("");
  g_assert_cmpuint (a->len, ==, 0);
  /* Very long digit runs do not overflow anything. */
  for (i = 0; i < 500; i++)
    g_string_append (big, "9999999999");
  b = wf_query_extract (big->str);
  g_assert_cmpuint (b->len, ==, 1);
  g_string_free (big, TRUE);
  c = wf_query_extract ("1,2,3,,4..5%%% $$$ k m bn -");
  g_assert_nonnull (c);
}

/* ---- intents and roles ------------------------------------------------------------ */

typedef struct
{
  const char *question;
  WfIntent    intent;
  WfSlot      slot1;
  double      value1;
  WfSlot      slot2;
  double      value2;
} Routed;

#define NONE WF_SLOT_LAST, 0

static const Routed routed[] = {
  { "can I afford a 40k van loan at 7.5% over 5 years?", WF_INTENT_LOAN_PAYMENT, WF_SLOT_PRINCIPAL, 40000, WF_SLOT_RATE, 0.075 },
  { "What's my monthly payment on a $250,000 mortgage at 6.5% for 30 years?", WF_INTENT_LOAN_PAYMENT, WF_SLOT_TERM_MONTHS, 360, WF_SLOT_PRINCIPAL, 250000 },
  { "monthly payment for a 1.2m loan, 5.25% APR, 20 years", WF_INTENT_LOAN_PAYMENT, WF_SLOT_PRINCIPAL, 1200000, WF_SLOT_RATE, 0.0525 },
  { "loan of 10k at 1% a month over 18 months", WF_INTENT_LOAN_PAYMENT, WF_SLOT_RATE, 0.12, WF_SLOT_TERM_MONTHS, 18 },
  { "How long will it take to pay off $5,000 on my credit card at 19.9% if I pay $200 a month?", WF_INTENT_LOAN_PAYOFF, WF_SLOT_PRINCIPAL, 5000, WF_SLOT_PAYMENT, 200 },
  { "how long until I'm debt free: $12k balance, 7% interest, paying $400 per month", WF_INTENT_LOAN_PAYOFF, WF_SLOT_PRINCIPAL, 12000, WF_SLOT_PAYMENT, 400 },
  { "Is it worth investing $50,000 in a machine that saves $15,000 a year for 5 years at an 8% discount rate?", WF_INTENT_NPV_IRR, WF_SLOT_INVESTMENT, 50000, WF_SLOT_CASH_FLOW, 15000 },
  { "What is the IRR if I invest $200,000 and it returns $55,000 a year for 6 years?", WF_INTENT_NPV_IRR, WF_SLOT_INVESTMENT, 200000, WF_SLOT_CASH_FLOW, 55000 },
  { "What's the NPV of 120k that saves 1.5k a month for 10 years at 6%?", WF_INTENT_NPV_IRR, WF_SLOT_CASH_FLOW, 18000, WF_SLOT_DISCOUNT_RATE, 0.06 },
  { "What is $10,000 received in 5 years worth today at 6%?", WF_INTENT_TIME_VALUE, WF_SLOT_AMOUNT, 10000, WF_SLOT_RATE, 0.06 },
  { "What's the effective annual rate of an 18% APR compounded monthly?", WF_INTENT_RATE_CONVERSION, WF_SLOT_RATE, 0.18, NONE },
  { "Revenue went from $400k to $650k in 3 years, what's the CAGR?", WF_INTENT_GROWTH, WF_SLOT_AMOUNT, 400000, WF_SLOT_TARGET_AMOUNT, 650000 },
  { "How long does it take money to double at 7% growth?", WF_INTENT_GROWTH, WF_SLOT_GROWTH, 0.07, NONE },
  { "If sales are $500,000 and grow 15% a year, what will they be in 5 years?", WF_INTENT_GROWTH, WF_SLOT_GROWTH, 0.15, WF_SLOT_AMOUNT, 500000 },
  { "How many units do I need to sell to break even if I sell at $45, it costs $18 to make, and fixed costs are $9,000 a month?", WF_INTENT_BREAK_EVEN, WF_SLOT_PRICE, 45, WF_SLOT_FIXED_COSTS, 9000 },
  { "breakeven with rent of $3,000 a month, price $20, cost $8", WF_INTENT_BREAK_EVEN, WF_SLOT_UNIT_COST, 8, WF_SLOT_FIXED_COSTS, 3000 },
  { "break even if fixed costs are $60,000 a year, price 30 and variable cost 10", WF_INTENT_BREAK_EVEN, WF_SLOT_FIXED_COSTS, 5000, WF_SLOT_PRICE, 30 },
  { "If I raise prices by 10% and lose 5% of my customers, what happens to profit?", WF_INTENT_PRICE_CHANGE, WF_SLOT_PRICE_CHANGE, 0.10, WF_SLOT_CUSTOMER_LOSS, 0.05 },
  { "What if I cut prices by 15% with 400 customers?", WF_INTENT_PRICE_CHANGE, WF_SLOT_PRICE_CHANGE, -0.15, WF_SLOT_CUSTOMERS, 400 },
  { "How long will my cash last? I have $180,000 in the bank and burn $22,000 a month.", WF_INTENT_CASH_RUNWAY, WF_SLOT_CASH, 180000, WF_SLOT_BURN, 22000 },
  { "what's our runway with 1.5m cash, spending 140k per month and revenue of 60k a month", WF_INTENT_CASH_RUNWAY, WF_SLOT_BURN, 140000, WF_SLOT_REVENUE, 60000 },
  { "we spend 600k a year and have 900k in the bank, when do we run out of money?", WF_INTENT_CASH_RUNWAY, WF_SLOT_BURN, 50000, WF_SLOT_CASH, 900000 },
  { "How long until a $20,000 machine pays for itself if it saves $6,000 a year?", WF_INTENT_PAYBACK, WF_SLOT_INVESTMENT, 20000, WF_SLOT_CASH_FLOW, 6000 },
  { "payback period for 45k of solar panels saving 500 a month", WF_INTENT_PAYBACK, WF_SLOT_INVESTMENT, 45000, WF_SLOT_CASH_FLOW, 6000 },
  { "I buy them for $30 and sell for $50, what's my margin?", WF_INTENT_MARGIN_MARKUP, WF_SLOT_UNIT_COST, 30, WF_SLOT_PRICE, 50 },
  { "What should I charge for a product that costs $12 to get a 40% margin?", WF_INTENT_MARGIN_MARKUP, WF_SLOT_UNIT_COST, 12, WF_SLOT_MARGIN, 0.40 },
  { "If it costs $80 and I apply a 35% markup, what's the price?", WF_INTENT_MARGIN_MARKUP, WF_SLOT_MARKUP, 0.35, WF_SLOT_UNIT_COST, 80 },
  { "straight-line depreciation on a $50,000 van over 5 years with $5,000 salvage value", WF_INTENT_DEPRECIATION, WF_SLOT_INVESTMENT, 50000, WF_SLOT_SALVAGE, 5000 },
  { "What's my DSO with $2.4m revenue a year and $300k receivables?", WF_INTENT_WORKING_CAPITAL, WF_SLOT_REVENUE, 2400000, WF_SLOT_RECEIVABLES, 300000 },
  { "What's the economic order quantity for 5,000 units a year, $40 per order and $2.50 to hold each unit?", WF_INTENT_INVENTORY, WF_SLOT_UNITS, 5000, WF_SLOT_ORDER_COST, 40 },
  { "What does it really cost to hire 2 developers at $85,000 salary?", WF_INTENT_HIRING_COST, WF_SLOT_HEADCOUNT, 2, WF_SLOT_SALARY, 85000 },
  { "If I hire 3 staff at $4,000 a month each for 18 months, what's the total cost?", WF_INTENT_HIRING_COST, WF_SLOT_SALARY, 48000, WF_SLOT_TERM_MONTHS, 18 },
  { "If I save $500 a month at 5% for 10 years, how much will I have?", WF_INTENT_SAVINGS_GROWTH, WF_SLOT_DEPOSIT, 500, WF_SLOT_RATE, 0.05 },
  { "I have $20,000 in savings and put away $300 a month at 6% for 15 years", WF_INTENT_SAVINGS_GROWTH, WF_SLOT_AMOUNT, 20000, WF_SLOT_DEPOSIT, 300 },
};

static void
test_routed (gconstpointer data)
{
  const Routed *r = data;
  g_autoptr(WfRoute) route = NULL;
  g_autoptr(GError) error = NULL;

  route = wf_query_route (r->question, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (wf_route_decision_to_string (route->decision), ==, "route");
  g_assert_cmpstr (wf_intent_to_string (route->intent), ==, wf_intent_to_string (r->intent));
  g_assert_cmpfloat (route->confidence, >=, WF_QUERY_ROUTE_THRESHOLD_DEFAULT);
  g_assert_cmpfloat (route->confidence, <=, 1.0);
  if (r->slot1 != WF_SLOT_LAST)
    g_assert_cmpfloat_with_epsilon (wf_query_params_get (route->params, r->slot1, NAN), r->value1,
                                    1e-9 * MAX (1, fabs (r->value1)));
  if (r->slot2 != WF_SLOT_LAST)
    g_assert_cmpfloat_with_epsilon (wf_query_params_get (route->params, r->slot2, NAN), r->value2,
                                    1e-9 * MAX (1, fabs (r->value2)));
}

/* ---- questions as owners type them -------------------------------------------- */

/* Lower case, typos, "k", "grand", "bucks", "/mo", numbers in any order, a
 * bit of story around them, US and UK wording; and questions that are not
 * about money. Each with the decision, the intent, the quantity asked for
 * (the focus) and the values that matter. The first ones are the cases that
 * went wrong: an investment with a cost of capital asked to clarify, "the
 * capital of France" was offered loans, working-capital days were ignored, a
 * lump sum at interest had no template, a markup question got the margin. */
typedef struct
{
  WfSlot slot;
  double value;
} SlotValue;

typedef struct
{
  const char      *question;
  WfRouteDecision  decision;
  WfIntent         intent;
  const char      *focus;
  SlotValue        values[4];
} OwnerQuestion;

#define V(slot, value) { WF_SLOT_##slot, value }
#define NOV { WF_SLOT_LAST, 0 }

static const OwnerQuestion owner_questions[] = {
  { "Should I buy a $60,000 machine that saves $15,000 a year for 6 years if my cost of capital is 8%?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_NPV_IRR, NULL, { V (TERM_MONTHS, 72), V (INVESTMENT, 60000), V (CASH_FLOW, 15000), V (DISCOUNT_RATE, 0.08) } },
  { "what is the capital of france",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "my customers pay in 45 days, I hold inventory 30 days and pay suppliers in 60, what's my cash conversion cycle?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_WORKING_CAPITAL, "ccc", { V (DSO_DAYS, 45), V (DIO_DAYS, 30), V (DPO_DAYS, 60), NOV } },
  { "What is 10000 worth in 5 years at 6% interest?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "fv", { V (RATE, 0.06), V (TERM_MONTHS, 60), V (AMOUNT, 10000), NOV } },
  { "what's the markup if I buy at 40 and sell at 65?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_MARGIN_MARKUP, "markup", { V (PRICE, 65), V (UNIT_COST, 40), NOV, NOV } },
  { "how much will 5000 grow to in 10 years at 7%",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "fv", { V (RATE, 0.07), V (TERM_MONTHS, 120), V (AMOUNT, 5000), NOV } },
  { "what's 20k in 3 years worth today at 5% inflation",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "pv", { V (RATE, 0.05), V (TERM_MONTHS, 36), V (AMOUNT, 20000), NOV } },
  { "what's 20k in 3 years worth today at 5% discount rate",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "pv", { V (RATE, 0.05), V (TERM_MONTHS, 36), V (AMOUNT, 20000), NOV } },
  { "if I invest 10k at 8% for 20 years how much will I have",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "fv", { V (RATE, 0.08), V (TERM_MONTHS, 240), V (AMOUNT, 10000), NOV } },
  { "what's 10k at 5% for 3 years",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "fv", { V (RATE, 0.05), V (TERM_MONTHS, 36), V (AMOUNT, 10000), NOV } },
  { "what's 20k in 3 years at 5%",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "pv", { V (RATE, 0.05), V (TERM_MONTHS, 36), V (AMOUNT, 20000), NOV } },
  { "sales went from 1900 to 2500 a month over 2 years, growth rate?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GROWTH, "cagr", { V (AMOUNT, 1900), V (TARGET_AMOUNT, 2500), V (TERM_MONTHS, 24), NOV } },
  { "2k customers paying 30 a month, what if I raise prices 5%",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PRICE_CHANGE, NULL, { V (CUSTOMERS, 2000), V (PRICE, 30), V (PRICE_CHANGE, 0.05), NOV } },
  { "we pay staff 12 an hour for 40 hours a week, what does one more employee cost a year",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_HIRING_COST, "yearly", { V (SALARY, 12 * 40 * 52), V (HEADCOUNT, 1), NOV, NOV } },
  { "if I borrow 5k from the bank over two years at 9% what are my monthly repayments",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, NULL, { V (PRINCIPAL, 5000), V (RATE, 0.09), V (TERM_MONTHS, 24), NOV } },
  { "loan: 60000. rate: 5.5%. term: 15 years. payment?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, NULL, { V (PRINCIPAL, 60000), V (RATE, 0.055), V (TERM_MONTHS, 180), NOV } },
  { "how long will 50k last if we spend 4k a month",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_CASH_RUNWAY, NULL, { V (CASH, 50000), V (BURN, 4000), NOV, NOV } },
  { "i want to buy a franchise for 150k that returns 30k a year for 8 years, my required return is 12%, should i?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_NPV_IRR, NULL, { V (INVESTMENT, 150000), V (CASH_FLOW, 30000), V (DISCOUNT_RATE, 0.12), V (TERM_MONTHS, 96) } },
  /* The deposit needed for a target: no template solves for it. */
  { "how much should I put away each month to have 20k in 5 years at 4%",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GENERAL_MODEL, NULL, { NOV, NOV, NOV, NOV } },
  { "we invested 80k 3 years ago and it's now worth 110k, what's the annual return?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GROWTH, NULL, { V (AMOUNT, 80000), V (TARGET_AMOUNT, 110000), V (TERM_MONTHS, 36), NOV } },
  { "whats the future value of 300 a month for 20 yrs at 7%",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "fv", { V (PAYMENT, 300), V (RATE, 0.07), V (TERM_MONTHS, 240), NOV } },
  { "I have no interest in football",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "when do you return from holiday",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "how much working capital do I need?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_WORKING_CAPITAL, NULL, { NOV, NOV, NOV, NOV } },
  { "should I lease or buy a van?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GENERAL_MODEL, NULL, { NOV, NOV, NOV, NOV } },
  { "Tell me a joke",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "whats the monthly payment on a 35k loan at 6.9% for 5 yrs",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, NULL, { V (PRINCIPAL, 35000), V (RATE, 0.069), V (TERM_MONTHS, 60), NOV } },
  { "borrowing 120 grand for a new kitchen fit-out over 10 years at 8 percent, what are the repayments",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, NULL, { V (PRINCIPAL, 120000), V (RATE, 0.08), V (TERM_MONTHS, 120), NOV } },
  { "bank offered me 50k at 9.5% over 7 years, how much interest do i pay in total?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, "total_interest", { V (PRINCIPAL, 50000), V (RATE, 0.095), V (TERM_MONTHS, 84), NOV } },
  { "need 15,000 bucks for a truck, 4 years, 7% apr - monthly?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, NULL, { V (PRINCIPAL, 15000), V (RATE, 0.07), V (TERM_MONTHS, 48), NOV } },
  { "i owe 6k on my credit card at 22% and pay 250 a month, how long til its paid off",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYOFF, NULL, { V (PRINCIPAL, 6000), V (RATE, 0.22), V (PAYMENT, 250), NOV } },
  { "how many months to clear a \xc2\xa3" "9,000 overdraft at 12% if I put \xc2\xa3" "400/mo towards it",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYOFF, NULL, { V (PRINCIPAL, 9000), V (RATE, 0.12), V (PAYMENT, 400), NOV } },
  { "thinking of buying a new oven for 12000, it would save me 400 a month, over 5 years with an 8% hurdle rate is it worth it?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_NPV_IRR, NULL, { V (TERM_MONTHS, 60), V (INVESTMENT, 12000), V (CASH_FLOW, 4800), V (DISCOUNT_RATE, 0.08) } },
  { "whats the irr on a 80k refit that brings in 25k a year for 5 years",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_NPV_IRR, "irr", { V (TERM_MONTHS, 60), V (INVESTMENT, 80000), V (CASH_FLOW, 25000), NOV } },
  { "npv of 200 grand investment returning 50k per year for 6 years at 10%",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_NPV_IRR, NULL, { V (TERM_MONTHS, 72), V (INVESTMENT, 200000), V (CASH_FLOW, 50000), V (DISCOUNT_RATE, 0.1) } },
  { "what is 50,000 in 10 years worth today if inflation is 3%",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "pv", { V (RATE, 0.03), V (TERM_MONTHS, 120), V (AMOUNT, 50000), NOV } },
  { "future value of 2500 at 4% over 8 years",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "fv", { V (RATE, 0.04), V (TERM_MONTHS, 96), V (AMOUNT, 2500), NOV } },
  { "how much is 15k today worth in 7 years at 5 percent",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "fv", { V (RATE, 0.05), V (TERM_MONTHS, 84), V (AMOUNT, 15000), NOV } },
  { "what's the effective annual rate on 24% apr",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_RATE_CONVERSION, NULL, { V (RATE, 0.24), NOV, NOV, NOV } },
  { "my card charges 1.5% a month, what's that as an annual rate?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_RATE_CONVERSION, NULL, { V (RATE, 0.18), NOV, NOV, NOV } },
  { "we went from 250k revenue to 410k in 4 years, whats our growth rate",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GROWTH, "cagr", { V (TERM_MONTHS, 48), V (AMOUNT, 250000), V (TARGET_AMOUNT, 410000), NOV } },
  { "if we grow 20% a year from 300k revenue where will we be in 5 yrs",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GROWTH, NULL, { V (TERM_MONTHS, 60), V (GROWTH, 0.2), V (AMOUNT, 300000), NOV } },
  { "how long for my sales to double at 12% growth a year",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GROWTH, "doubling", { V (GROWTH, 0.12), NOV, NOV, NOV } },
  { "I sell candles for $25, they cost me $9 to make and my rent and bills are 3k a month. How many do I need to sell to break even?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_BREAK_EVEN, NULL, { V (PRICE, 25), V (UNIT_COST, 9), V (FIXED_COSTS, 3000), NOV } },
  { "break even: price 18 per unit, variable cost 7.50, fixed costs 4,400/month",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_BREAK_EVEN, NULL, { V (PRICE, 18), V (UNIT_COST, 7.5), V (FIXED_COSTS, 4400), NOV } },
  { "my coffee costs 0.80 a cup to make, i sell at 3.20 and overheads are 6k a month, how many cups to break even",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_BREAK_EVEN, NULL, { V (PRICE, 3.2), V (UNIT_COST, 0.8), V (FIXED_COSTS, 6000), NOV } },
  { "if i put my prices up 8% and lose 4% of customers what happens to profit",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PRICE_CHANGE, NULL, { V (PRICE_CHANGE, 0.08), V (CUSTOMER_LOSS, 0.04), NOV, NOV } },
  { "we have 220 clients paying 90 a month, what if we raise rates 15% and lose 10% of them",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PRICE_CHANGE, NULL, { V (PRICE, 90), V (PRICE_CHANGE, 0.15), V (CUSTOMER_LOSS, 0.1), V (CUSTOMERS, 220) } },
  { "we've got 85k in the bank and spend 12k a month, how long till we run out?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_CASH_RUNWAY, NULL, { V (CASH, 85000), V (BURN, 12000), NOV, NOV } },
  { "runway if we have 2.1m and burn 180k per month with 40k monthly revenue",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_CASH_RUNWAY, NULL, { V (CASH, 2100000), V (BURN, 180000), V (REVENUE, 40000), NOV } },
  { "a new van costs 28k and saves us 7k a year in courier fees, how long to pay back?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PAYBACK, NULL, { V (INVESTMENT, 28000), V (CASH_FLOW, 7000), NOV, NOV } },
  { "solar panels cost \xc2\xa3" "14,000 and cut the electricity bill by \xc2\xa3" "180 a month, when do they pay for themselves?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PAYBACK, NULL, { V (INVESTMENT, 14000), V (CASH_FLOW, 2160), NOV, NOV } },
  { "I buy shirts at 12 and sell them at 30, what's my margin?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_MARGIN_MARKUP, "margin", { V (PRICE, 30), V (UNIT_COST, 12), NOV, NOV } },
  { "what price do i need to charge for a 45% margin if it costs me 22",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_MARGIN_MARKUP, NULL, { V (UNIT_COST, 22), V (MARGIN, 0.45), NOV, NOV } },
  { "whats the markup on something I buy for 8 and sell for 20",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_MARGIN_MARKUP, "markup", { V (PRICE, 20), V (UNIT_COST, 8), NOV, NOV } },
  { "if i mark up by 60% on a cost of 15 what's the selling price",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_MARGIN_MARKUP, NULL, { V (UNIT_COST, 15), V (MARKUP, 0.6), NOV, NOV } },
  { "depreciation on a 30k van over 5 years, 6k resale",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_DEPRECIATION, NULL, { V (TERM_MONTHS, 60), V (INVESTMENT, 30000), V (SALVAGE, 6000), NOV } },
  { "how much does a \xc2\xa3" "4,500 computer depreciate each year over 3 years",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_DEPRECIATION, NULL, { V (TERM_MONTHS, 36), V (INVESTMENT, 4500), NOV, NOV } },
  { "our DSO: revenue 3m a year and 450k in receivables",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_WORKING_CAPITAL, NULL, { V (REVENUE, 3000000), V (RECEIVABLES, 450000), NOV, NOV } },
  { "we get paid after 60 days, keep 20 days of stock and pay suppliers after 30 days. cash conversion cycle?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_WORKING_CAPITAL, "ccc", { V (DSO_DAYS, 60), V (DIO_DAYS, 20), V (DPO_DAYS, 30), NOV } },
  { "what's my EOQ if we sell 2,400 units a year, each order costs 60 and holding is 3 per unit a year",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_INVENTORY, NULL, { V (UNITS, 2400), V (ORDER_COST, 60), V (HOLDING_COST, 3), NOV } },
  { "when should i reorder if i sell 9,125 units a year and the supplier takes 10 days",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_INVENTORY, "reorder", { V (UNITS, 9125), V (LEAD_DAYS, 10), NOV, NOV } },
  { "how much does a new hire on 38k really cost with 20% on costs",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_HIRING_COST, NULL, { V (SALARY, 38000), V (OVERHEAD_RATE, 0.2), NOV, NOV } },
  { "if I hire two more staff on 28 grand each, what's the total cost for a year?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_HIRING_COST, NULL, { V (SALARY, 28000), V (HEADCOUNT, 2), NOV, NOV } },
  { "I want to put 200 a month into savings at 4% for 5 years, how much will I have?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_SAVINGS_GROWTH, NULL, { V (RATE, 0.04), V (TERM_MONTHS, 60), V (DEPOSIT, 200), NOV } },
  { "saving 1k per month with 30k already saved, 6% return, 20 years - how much will i have",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_SAVINGS_GROWTH, NULL, { V (RATE, 0.06), V (TERM_MONTHS, 240), V (DEPOSIT, 1000), V (AMOUNT, 30000) } },
  { "how much do i need to retire",
    WF_ROUTE_DECISION_CLARIFY, WF_INTENT_SAVINGS_GROWTH, NULL, { NOV, NOV, NOV, NOV } },
  { "what time is it in tokyo",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "what's the best pizza in town",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "can you recommend a good book",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "I'm interested in learning to cook",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "what's the return policy on amazon",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "the balance of power in europe",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "pay attention to the details please",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "hi, im looking at a van loan, 32 grand over 5 yrs at 8.9% apr. whats the monthly payment gonna be?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, NULL, { V (PRINCIPAL, 32000), V (RATE, 0.089), V (TERM_MONTHS, 60), NOV } },
  { "Our bank will lend us \xc2\xa3" "75k for the refit at 6.5% per annum over 7 years - what would the repayments be?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, NULL, { V (PRINCIPAL, 75000), V (RATE, 0.065), V (TERM_MONTHS, 84), NOV } },
  { "how much intrest will i pay on a 20k loan at 11% over 4 years",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, "total_interest", { V (PRINCIPAL, 20000), V (RATE, 0.11), V (TERM_MONTHS, 48), NOV } },
  { "we need a mortgage of 400k over 25 years at 4.2%, whats the monthy payment",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, NULL, { V (PRINCIPAL, 400000), V (RATE, 0.042), V (TERM_MONTHS, 300), NOV } },
  { "my credit card is at 5,400 bucks, 24.9% apr, i can pay 150/mo. how long will it take to pay it off?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYOFF, NULL, { V (PRINCIPAL, 5400), V (RATE, 0.249), V (PAYMENT, 150), NOV } },
  { "i've got 3 grand on a store card at 29% and can afford 100 a month, when will it be paid off",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYOFF, NULL, { V (PRINCIPAL, 3000), V (RATE, 0.29), V (PAYMENT, 100), NOV } },
  { "we're thinking of buying a CNC machine for 85k. it should save about 2k a month in outsourcing. our cost of capital is 10% and it lasts 7 years. is it worth it?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_NPV_IRR, NULL, { V (TERM_MONTHS, 84), V (INVESTMENT, 85000), V (CASH_FLOW, 24000), V (DISCOUNT_RATE, 0.1) } },
  { "if we spend 40,000 on new software that saves 12k/yr for 5 years, whats the NPV at 9%?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_NPV_IRR, NULL, { V (TERM_MONTHS, 60), V (INVESTMENT, 40000), V (CASH_FLOW, 12000), V (DISCOUNT_RATE, 0.09) } },
  { "what return do i get if i put 50k into a food truck that makes 14k a year for 5 years",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_NPV_IRR, "irr", { V (TERM_MONTHS, 60), V (INVESTMENT, 50000), V (CASH_FLOW, 14000), NOV } },
  { "my uncle says 100 dollars today is worth less in 10 years, what is it worth in todays money at 3% inflation",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "pv", { V (RATE, 0.03), V (TERM_MONTHS, 120), V (AMOUNT, 100), NOV } },
  { "what will 25k be worth in 15 years if it earns 6% a year",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "fv", { V (RATE, 0.06), V (TERM_MONTHS, 180), V (AMOUNT, 25000), NOV } },
  { "if i leave 8000 in an account at 4.5% for 6 years what will i have",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "fv", { V (RATE, 0.045), V (TERM_MONTHS, 72), V (AMOUNT, 8000), NOV } },
  { "my loan says 0.75% per month, whats the effective annual rate",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_RATE_CONVERSION, NULL, { V (RATE, 0.09), NOV, NOV, NOV } },
  { "whats 5.5% apr as an effective rate if its compounded monthly",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_RATE_CONVERSION, NULL, { V (RATE, 0.055), NOV, NOV, NOV } },
  { "our turnover was 180k in 2021 and 260k this year (3 years later), what's the annual growth rate?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GROWTH, "cagr", { V (TERM_MONTHS, 36), V (AMOUNT, 180000), V (TARGET_AMOUNT, 260000), NOV } },
  { "we have 1,200 customers and grow 5% a month, how many in 2 years",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GROWTH, NULL, { V (TERM_MONTHS, 24), V (GROWTH, 0.7958563260221292), V (AMOUNT, 1200), NOV } },
  { "I run a bakery. Each loaf sells for 4.50 and costs 1.60 in ingredients. Rent, wages and power come to about 9,000 a month. How many loaves do I need to sell to break even?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_BREAK_EVEN, NULL, { V (PRICE, 4.5), V (UNIT_COST, 1.6), V (FIXED_COSTS, 9000), NOV } },
  { "how much revenue do i need to break even if my fixed costs are 20k a month, price 200 and variable cost 120 per unit",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_BREAK_EVEN, "revenue", { V (PRICE, 200), V (UNIT_COST, 120), V (FIXED_COSTS, 20000), NOV } },
  { "we sell a subscription at 49 a month to 600 customers, what if we put the price up 10% and lose 6% of them",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PRICE_CHANGE, NULL, { V (PRICE, 49), V (PRICE_CHANGE, 0.1), V (CUSTOMER_LOSS, 0.06), V (CUSTOMERS, 600) } },
  { "if I cut my prices by 5% how many customers can I afford to lose",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PRICE_CHANGE, "max_loss", { V (PRICE_CHANGE, -0.05), NOV, NOV, NOV } },
  { "we've got 240k in the bank, we spend 30k a month and bring in 12k a month. how many months have we got?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_CASH_RUNWAY, NULL, { V (CASH, 240000), V (BURN, 30000), V (REVENUE, 12000), NOV } },
  { "startup: 600k cash, burning 75k/mo, when do we run out",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_CASH_RUNWAY, NULL, { V (CASH, 600000), V (BURN, 75000), NOV, NOV } },
  { "a new coffee machine costs \xc2\xa3" "3,200 and will save us \xc2\xa3" "90 a week, how long to pay it back?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PAYBACK, NULL, { V (INVESTMENT, 3200), V (CASH_FLOW, 4680), NOV, NOV } },
  { "we're putting 18k into an ecommerce site that should bring in an extra 1,500 a month of profit - whats the payback period?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PAYBACK, NULL, { V (INVESTMENT, 18000), V (CASH_FLOW, 18000), NOV, NOV } },
  { "i buy candles wholesale at 6.50 and sell them for 18, what's my profit margin",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_MARGIN_MARKUP, "margin", { V (PRICE, 18), V (UNIT_COST, 6.5), NOV, NOV } },
  { "what should I sell it for if it costs 35 and I want a 30% markup",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_MARGIN_MARKUP, NULL, { V (UNIT_COST, 35), V (MARKUP, 0.3), NOV, NOV } },
  { "if i want a 55% margin whats the markup",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_MARGIN_MARKUP, "markup", { V (MARGIN, 0.55), NOV, NOV, NOV } },
  { "I paid 24,000 for a delivery van, it'll last 6 years and be worth 3,000 at the end. how much depreciation per year?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_DEPRECIATION, NULL, { V (TERM_MONTHS, 72), V (INVESTMENT, 24000), V (SALVAGE, 3000), NOV } },
  { "declining balance depreciation on equipment that cost 60k over 8 years",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_DEPRECIATION, "declining", { V (TERM_MONTHS, 96), V (INVESTMENT, 60000), NOV, NOV } },
  { "customers take 52 days to pay us on average, and we pay suppliers in 30 days, we hold about 3 weeks of stock. whats our cash conversion cycle",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_WORKING_CAPITAL, "ccc", { V (DSO_DAYS, 52), V (DIO_DAYS, 21), V (DPO_DAYS, 30), NOV } },
  { "DSO of 40, DIO of 25 and DPO of 35 - what's the CCC?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_WORKING_CAPITAL, "ccc", { V (DSO_DAYS, 40), V (DIO_DAYS, 25), V (DPO_DAYS, 35), NOV } },
  { "how many should I order at a time if I sell 12,000 units a year, it costs 80 to place an order and 4 per unit per year to store",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_INVENTORY, NULL, { V (UNITS, 12000), V (ORDER_COST, 80), V (HOLDING_COST, 4), NOV } },
  { "what's the reorder point if we use 50 units a day and lead time is 2 weeks",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_INVENTORY, "reorder", { V (UNITS, 18250), V (LEAD_DAYS, 14), NOV, NOV } },
  { "we sell 18,250 units a year, suppliers take 14 days to deliver. when do i reorder?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_INVENTORY, "reorder", { V (UNITS, 18250), V (LEAD_DAYS, 14), NOV, NOV } },
  { "what would it cost to take on 3 new employees at 32k each with 25% on top for benefits and tax",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_HIRING_COST, NULL, { V (SALARY, 32000), V (HEADCOUNT, 3), V (OVERHEAD_RATE, 0.25), NOV } },
  { "what does an employee on 50k cost per month with 20% on-costs",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_HIRING_COST, "monthly", { V (SALARY, 50000), V (OVERHEAD_RATE, 0.2), NOV, NOV } },
  { "if I save 300 a month for 10 years at 5% how much will I have",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_SAVINGS_GROWTH, NULL, { V (RATE, 0.05), V (TERM_MONTHS, 120), V (DEPOSIT, 300), NOV } },
  { "I have 10k saved and add 250 per month, 7% return, how much in 15 years?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_SAVINGS_GROWTH, NULL, { V (RATE, 0.07), V (TERM_MONTHS, 180), V (DEPOSIT, 250), V (AMOUNT, 10000) } },
  { "how much interest will i earn if i save 400 a month for 5 years at 4%",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_SAVINGS_GROWTH, "growth", { V (RATE, 0.04), V (TERM_MONTHS, 60), V (DEPOSIT, 400), NOV } },
  { "what's the weather like in London",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "how do I bake sourdough bread",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "who is the president of the united states",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "book me a flight to rome",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "can you translate hello into spanish",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "capital gains on selling my shop for 300k that I bought for 200k",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GENERAL_MODEL, NULL, { NOV, NOV, NOV, NOV } },
  { "how do I raise capital for my bakery?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GENERAL_MODEL, NULL, { NOV, NOV, NOV, NOV } },
  { "what's a good interest rate for a business loan?",
    WF_ROUTE_DECISION_CLARIFY, WF_INTENT_LOAN_PAYMENT, NULL, { NOV, NOV, NOV, NOV } },
  { "how much should I charge for my consulting?",
    WF_ROUTE_DECISION_CLARIFY, WF_INTENT_MARGIN_MARKUP, NULL, { NOV, NOV, NOV, NOV } },
  { "Is it worth it?",
    WF_ROUTE_DECISION_CLARIFY, WF_INTENT_NPV_IRR, NULL, { NOV, NOV, NOV, NOV } },
  { "Borrowing $18,500 for equipment, 3 year term, 9.25% interest. Monthly?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, NULL, { V (PRINCIPAL, 18500), V (RATE, 0.0925), V (TERM_MONTHS, 36), NOV } },
  { "what's the payment on 250k over 30 years at 6 and a half percent",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, NULL, { V (PRINCIPAL, 250000), V (RATE, 0.065), V (TERM_MONTHS, 360), NOV } },
  { "7% over 10 years on a 150,000 loan - what are the monthly payments",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, NULL, { V (PRINCIPAL, 150000), V (RATE, 0.07), V (TERM_MONTHS, 120), NOV } },
  { "how much will i pay back in total on a 12k loan at 10% for 3 years",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, "total_paid", { V (PRINCIPAL, 12000), V (RATE, 0.1), V (TERM_MONTHS, 36), NOV } },
  { "I owe the bank 22,000 at 8% and pay 600 a month. how long until its paid off?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYOFF, NULL, { V (PRINCIPAL, 22000), V (RATE, 0.08), V (PAYMENT, 600), NOV } },
  { "how long to pay off 4k at 18% paying 50 a week",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYOFF, NULL, { V (PRINCIPAL, 4000), V (RATE, 0.18), V (PAYMENT, 50 * 52.0 / 12), NOV } },
  { "we paid 9,500 for a pizza oven which brings in an extra 450 a week. when does it pay for itself?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PAYBACK, NULL, { V (INVESTMENT, 9500), V (CASH_FLOW, 23400), NOV, NOV } },
  { "is a 250k warehouse extension that saves 40k a year over 10 years worth it at a 7% discount rate",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_NPV_IRR, NULL, { V (TERM_MONTHS, 120), V (INVESTMENT, 250000), V (CASH_FLOW, 40000), V (DISCOUNT_RATE, 0.07) } },
  { "spend 15k on marketing, it brings in 6k profit a year for 4 years, what's the IRR",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_NPV_IRR, "irr", { V (TERM_MONTHS, 48), V (INVESTMENT, 15000), V (CASH_FLOW, 6000), NOV } },
  { "how much is 100k in 20 years worth today at 2.5% inflation",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "pv", { V (RATE, 0.025), V (TERM_MONTHS, 240), V (AMOUNT, 100000), NOV } },
  { "what's the present value of 5k a year for 10 years at 6%",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "pv", { V (RATE, 0.06), V (TERM_MONTHS, 120), V (PAYMENT, 5000 / 12.0), NOV } },
  { "if I put 20 grand in at 5% compound interest for 10 years what do I end up with",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "fv", { V (RATE, 0.05), V (TERM_MONTHS, 120), V (AMOUNT, 20000), NOV } },
  { "what's 12% apr in effective annual terms",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_RATE_CONVERSION, NULL, { V (RATE, 0.12), NOV, NOV, NOV } },
  { "convert 1.2% monthly to an annual rate",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_RATE_CONVERSION, NULL, { V (RATE, 0.144), NOV, NOV, NOV } },
  { "we made 1.2m last year and expect 15% growth per year, what will revenue be in 3 years",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GROWTH, NULL, { V (TERM_MONTHS, 36), V (GROWTH, 0.15), V (AMOUNT, 1200000), NOV } },
  { "how long will it take my revenue to double if it grows 9% per year",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GROWTH, "doubling", { V (GROWTH, 0.09), NOV, NOV, NOV } },
  { "sales grew from 50k to 85k over 2 years, what's the cagr",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GROWTH, "cagr", { V (TERM_MONTHS, 24), V (AMOUNT, 50000), V (TARGET_AMOUNT, 85000), NOV } },
  { "fixed costs 12k/mo, we charge 85 per job and materials are 35 per job. break even?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_BREAK_EVEN, NULL, { V (PRICE, 85), V (UNIT_COST, 35), V (FIXED_COSTS, 12000), NOV } },
  { "what's my break-even point if I sell t-shirts at \xc2\xa3" "15, they cost \xc2\xa3" "6 each and my stall costs \xc2\xa3" "300 a week",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_BREAK_EVEN, NULL, { V (PRICE, 15), V (UNIT_COST, 6), V (FIXED_COSTS, 1300), NOV } },
  { "how many units to make 5k profit a month, price 40, cost 25, fixed 8k a month",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_BREAK_EVEN, NULL, { V (PRICE, 40), V (UNIT_COST, 25), V (FIXED_COSTS, 8000), V (TARGET_PROFIT, 5000) } },
  { "if we raise prices 12% on our 150 dollar service with 400 clients and lose 20 clients, what happens",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PRICE_CHANGE, NULL, { V (PRICE, 150), V (PRICE_CHANGE, 0.12), V (CUSTOMER_LOSS, 0.05), V (CUSTOMERS, 400) } },
  { "should i drop my price by 10% if i think i'd get 15% more customers",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PRICE_CHANGE, NULL, { V (PRICE_CHANGE, -0.1), V (CUSTOMER_LOSS, -0.15), NOV, NOV } },
  { "cash: 45k. monthly burn: 9k. runway?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_CASH_RUNWAY, NULL, { V (CASH, 45000), V (BURN, 9000), NOV, NOV } },
  { "we have 500k and burn 60k a month but revenue grows, how long will the cash last",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_CASH_RUNWAY, NULL, { V (CASH, 500000), V (BURN, 60000), NOV, NOV } },
  { "the new till system is 6k and saves 2 hours a day at 12 an hour... payback?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PAYBACK, NULL, { V (INVESTMENT, 6000), V (CASH_FLOW, 8760), NOV, NOV } },
  { "how long will it take to pay back a 120k truck that earns 3,500 a month net",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PAYBACK, NULL, { V (INVESTMENT, 120000), V (CASH_FLOW, 42000), NOV, NOV } },
  { "I sell handmade soap at 7 a bar, it costs me 2.10 to make, what's my markup and margin?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_MARGIN_MARKUP, "markup", { V (PRICE, 7), V (UNIT_COST, 2.1), NOV, NOV } },
  { "I want 40% gross margin on an item costing 18.50 - what price?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_MARGIN_MARKUP, NULL, { V (UNIT_COST, 18.5), V (MARGIN, 0.4), NOV, NOV } },
  { "what percentage markup gives a 25% margin",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_MARGIN_MARKUP, "markup", { V (MARGIN, 0.25), NOV, NOV, NOV } },
  { "what's the annual depreciation on a 45,000 tractor over 10 years",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_DEPRECIATION, NULL, { V (TERM_MONTHS, 120), V (INVESTMENT, 45000), NOV, NOV } },
  { "we bought machinery for 200k, 10 year life, scrap value 20k, straight line depreciation?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_DEPRECIATION, NULL, { V (TERM_MONTHS, 120), V (INVESTMENT, 200000), V (SALVAGE, 20000), NOV } },
  { "DSO is 35 days, DIO is 50 days and DPO is 45 days. What is our cash conversion cycle?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_WORKING_CAPITAL, "ccc", { V (DSO_DAYS, 35), V (DIO_DAYS, 50), V (DPO_DAYS, 45), NOV } },
  { "we invoice on 30 day terms but customers actually pay in 55 days, stock sits 40 days, we pay suppliers after 45 days - cash tied up how long?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_WORKING_CAPITAL, "ccc", { V (DSO_DAYS, 55), V (DIO_DAYS, 40), V (DPO_DAYS, 45), NOV } },
  { "our receivables are 180k on revenue of 1.5m a year, what is our DSO",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_WORKING_CAPITAL, NULL, { V (REVENUE, 1500000), V (RECEIVABLES, 180000), NOV, NOV } },
  { "what's our DIO with 90k of inventory and cost of goods sold of 720k a year",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_WORKING_CAPITAL, "dio", { V (INVENTORY, 90000), V (COGS, 720000), NOV, NOV } },
  { "we use 200 units a week, ordering costs 25 an order, holding 1.50 per unit per year, whats the EOQ",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_INVENTORY, NULL, { V (UNITS, 10400), V (ORDER_COST, 25), V (HOLDING_COST, 1.5), NOV } },
  { "hiring a manager at 65k plus 30% on-costs, whats the monthly cost",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_HIRING_COST, "monthly", { V (SALARY, 65000), V (OVERHEAD_RATE, 0.3), NOV, NOV } },
  { "we want to hire 5 people at 24k each for 6 months, total cost?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_HIRING_COST, NULL, { V (TERM_MONTHS, 6), V (SALARY, 24000), V (HEADCOUNT, 5), NOV } },
  { "what will my pension pot be if i pay in 500 a month for 30 years at 6%",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_SAVINGS_GROWTH, NULL, { V (RATE, 0.06), V (TERM_MONTHS, 360), V (DEPOSIT, 500), NOV } },
  { "I put 100 a week into savings at 3%, how much after 5 years",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_SAVINGS_GROWTH, NULL, { V (RATE, 0.03), V (TERM_MONTHS, 60), V (DEPOSIT, 100 * 52.0 / 12), NOV } },
  { "how much will I have in 10 years if I have 15k now and save 200 a month at 5%",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_SAVINGS_GROWTH, NULL, { V (RATE, 0.05), V (TERM_MONTHS, 120), V (DEPOSIT, 200), V (AMOUNT, 15000) } },
  /* Money questions no template answers: live market data, for a model. */
  { "is apple stock a good buy",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GENERAL_MODEL, NULL, { NOV, NOV, NOV, NOV } },
  { "when is the next bank holiday",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "what's the interest rate set by the bank of england right now",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GENERAL_MODEL, NULL, { NOV, NOV, NOV, NOV } },
  { "i need a capital letter in my title",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "football scores today",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "how many days until christmas",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "what's 15% of 80",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "convert 100 usd to eur",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GENERAL_MODEL, NULL, { NOV, NOV, NOV, NOV } },
  { "should I raise my prices?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PRICE_CHANGE, NULL, { NOV, NOV, NOV, NOV } },
  { "I want to open a cafe, what should I think about financially?",
    WF_ROUTE_DECISION_CLARIFY, WF_INTENT_GENERAL_MODEL, NULL, { NOV, NOV, NOV, NOV } },
};

#undef V
#undef NOV

static void
test_owner_question (gconstpointer data)
{
  const OwnerQuestion *o = data;
  g_autoptr(WfRoute) route = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *params = NULL;
  guint k;

  route = wf_query_route (o->question, NULL, &error);
  g_assert_no_error (error);
  params = wf_query_params_to_string (route->params);
  g_test_message ("%s → %s %s (%.2f) %s focus=%s", o->question, wf_route_decision_to_string (route->decision),
                  wf_intent_to_string (route->intent), route->confidence, params,
                  route->params->focus ? route->params->focus : "-");
  g_assert_cmpstr (wf_route_decision_to_string (route->decision), ==, wf_route_decision_to_string (o->decision));
  g_assert_cmpstr (wf_intent_to_string (route->intent), ==, wf_intent_to_string (o->intent));
  g_assert_cmpstr (route->params->focus, ==, o->focus);
  for (k = 0; k < G_N_ELEMENTS (o->values); k++)
    {
      const SlotValue *v = &o->values[k];

      if (v->slot == WF_SLOT_LAST)
        continue;
      g_test_message ("  %s = %g", wf_slot_to_string (v->slot), v->value);
      g_assert_cmpfloat_with_epsilon (wf_query_params_get (route->params, v->slot, NAN), v->value,
                                      1e-9 * MAX (1, fabs (v->value)));
    }
}

/* ---- German and Spanish -------------------------------------------------------- */

/* Written as people write them: decimal commas, thousands dots, € after the
 * number, ¿…?. Each must route like its English twin, with the same figures. */
static const Routed foreign[] = {
  { "Wie hoch ist meine monatliche Rate für einen Kredit von 40.000 € zu 7,5 % über 5 Jahre?", WF_INTENT_LOAN_PAYMENT, WF_SLOT_PRINCIPAL, 40000, WF_SLOT_RATE, 0.075 },
  { "¿Cuánto pago al mes por un préstamo de 40.000 € al 7,5 % a 5 años?", WF_INTENT_LOAN_PAYMENT, WF_SLOT_PRINCIPAL, 40000, WF_SLOT_RATE, 0.075 },
  { "Monatliche Rate für ein Darlehen von 250.000 € bei 3,85 % Zinsen über 30 Jahre", WF_INTENT_LOAN_PAYMENT, WF_SLOT_TERM_MONTHS, 360, WF_SLOT_RATE, 0.0385 },
  { "¿Cuál es la cuota mensual de una hipoteca de 180.000 € al 2,9 % durante 25 años?", WF_INTENT_LOAN_PAYMENT, WF_SLOT_PRINCIPAL, 180000, WF_SLOT_TERM_MONTHS, 300 },
  { "Wie lange dauert es, 8.500 € Schulden auf der Kreditkarte bei 19,9 % Zinsen mit 300 € im Monat abzubezahlen?", WF_INTENT_LOAN_PAYOFF, WF_SLOT_PRINCIPAL, 8500, WF_SLOT_PAYMENT, 300 },
  { "¿Cuánto tiempo tardo en pagar una deuda de 5.000 € de tarjeta de crédito al 24 % pagando 200 € al mes?", WF_INTENT_LOAN_PAYOFF, WF_SLOT_PRINCIPAL, 5000, WF_SLOT_PAYMENT, 200 },
  { "Ich habe 180.000 € auf der Bank und gebe 22.000 € im Monat aus. Wie lange reicht mein Geld?", WF_INTENT_CASH_RUNWAY, WF_SLOT_CASH, 180000, WF_SLOT_BURN, 22000 },
  { "Tengo 120.000 € en el banco y gasto 15.000 € al mes, ¿cuánto tiempo me dura el dinero?", WF_INTENT_CASH_RUNWAY, WF_SLOT_CASH, 120000, WF_SLOT_BURN, 15000 },
  { "Wenn ich 500 € im Monat zu 5 % über 10 Jahre spare, wie viel habe ich dann?", WF_INTENT_SAVINGS_GROWTH, WF_SLOT_DEPOSIT, 500, WF_SLOT_RATE, 0.05 },
  { "Si ahorro 300 € al mes al 4,5 % durante 20 años, ¿cuánto tendré?", WF_INTENT_SAVINGS_GROWTH, WF_SLOT_DEPOSIT, 300, WF_SLOT_RATE, 0.045 },
};

static void
test_foreign (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (foreign); i++)
    {
      g_autoptr(WfRoute) route = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *params = NULL;

      route = wf_query_route (foreign[i].question, NULL, &error);
      g_assert_no_error (error);
      params = wf_query_params_to_string (route->params);
      g_test_message ("%s → %s %s (%.2f) %s", foreign[i].question, wf_route_decision_to_string (route->decision),
                      wf_intent_to_string (route->intent), route->confidence, params);
      g_assert_cmpstr (wf_route_decision_to_string (route->decision), ==, "route");
      g_assert_cmpstr (wf_intent_to_string (route->intent), ==, wf_intent_to_string (foreign[i].intent));
      g_assert_cmpfloat_with_epsilon (wf_query_params_get (route->params, foreign[i].slot1, NAN), foreign[i].value1,
                                      1e-9 * MAX (1, fabs (foreign[i].value1)));
      g_assert_cmpfloat_with_epsilon (wf_query_params_get (route->params, foreign[i].slot2, NAN), foreign[i].value2,
                                      1e-9 * MAX (1, fabs (foreign[i].value2)));
    }
}

/* German or Spanish that is not about money is not routed; and English keeps
 * its own number convention (1.250 is one and a quarter, not 1250). */
static void
test_foreign_not_money (void)
{
  const char *questions[] = {
    "Wie wird das Wetter morgen in Berlin und ist es kalt?",
    "¿Cuál es la capital de Francia y por qué es famosa?",
  };
  g_autoptr(WfRoute) english = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (questions); i++)
    {
      g_autoptr(WfRoute) route = wf_query_route (questions[i], NULL, NULL);

      g_assert_nonnull (route);
      g_assert_cmpint (route->decision, !=, WF_ROUTE_DECISION_ROUTE);
    }
  english = wf_query_route ("loan of 10,000 at 1.250% over 2 years", NULL, NULL);
  g_assert_cmpint (english->decision, ==, WF_ROUTE_DECISION_ROUTE);
  g_assert_cmpfloat_with_epsilon (wf_query_params_get (english->params, WF_SLOT_RATE, NAN), 0.0125, 1e-12);
  g_assert_cmpfloat_with_epsilon (wf_query_params_get (english->params, WF_SLOT_PRINCIPAL, NAN), 10000, 1e-9);
}

/* German and Spanish as owners in Germany and Spain type them, for every
 * template: verbs last ("wenn ich die Preise um 10 % erhöhe"), thousands
 * dots, decimal commas, "2 Mio. €", "50 mil", "im Monat", "al mes"; money
 * questions only a model answers; and questions that are not about money. */
#define V(slot, value) { WF_SLOT_##slot, value }
#define NOV { WF_SLOT_LAST, 0 }

static const OwnerQuestion foreign_owner_questions[] = {
  { "Ich verkaufe Kerzen für 20 €, sie kosten 8 € in der Herstellung, die Fixkosten sind 3.000 € im Monat. Wie viele muss ich verkaufen?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_BREAK_EVEN, NULL, { V (PRICE, 20), V (UNIT_COST, 8), V (FIXED_COSTS, 3000), NOV } },
  { "Was passiert mit meinem Gewinn, wenn ich die Preise um 10 % erhöhe und 5 % der Kunden verliere? 300 Kunden zahlen 40 € im Monat.",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PRICE_CHANGE, NULL, { V (PRICE, 40), V (PRICE_CHANGE, 0.1), V (CUSTOMER_LOSS, 0.05), V (CUSTOMERS, 300) } },
  { "Lohnt sich eine Maschine für 50.000 €, die 12.000 € im Jahr spart, über 6 Jahre bei 7 % Kapitalkosten?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_NPV_IRR, NULL, { V (TERM_MONTHS, 72), V (INVESTMENT, 50000), V (CASH_FLOW, 12000), V (DISCOUNT_RATE, 0.07) } },
  { "¿Cuántos meses me dura la caja si tengo 60.000 € y gasto 10.000 € al mes?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_CASH_RUNWAY, NULL, { V (CASH, 60000), V (BURN, 10000), NOV, NOV } },
  { "Vendo velas a 15 €, me cuestan 5 € y tengo 2.000 € de gastos fijos al mes. ¿Cuántas tengo que vender para cubrir costes?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_BREAK_EVEN, NULL, { V (PRICE, 15), V (UNIT_COST, 5), V (FIXED_COSTS, 2000), NOV } },
  { "¿Cuál es el margen si compro a 40 y vendo a 65?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_MARGIN_MARKUP, "margin", { V (PRICE, 65), V (UNIT_COST, 40), NOV, NOV } },
  { "Was ist der Aufschlag, wenn ich für 40 einkaufe und für 65 verkaufe?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_MARGIN_MARKUP, "markup", { V (PRICE, 65), V (UNIT_COST, 40), NOV, NOV } },
  { "Wie hoch ist die monatliche Rate für einen Kredit von 25.000 € zu 6 % über 4 Jahre?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, NULL, { V (PRINCIPAL, 25000), V (RATE, 0.06), V (TERM_MONTHS, 48), NOV } },
  { "Wir haben 80.000 € auf dem Konto und geben 15.000 € im Monat aus. Wie lange reicht das Geld?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_CASH_RUNWAY, NULL, { V (CASH, 80000), V (BURN, 15000), NOV, NOV } },
  { "¿Cuánto tendré si ahorro 300 € al mes durante 10 años al 4 %?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_SAVINGS_GROWTH, NULL, { V (RATE, 0.04), V (TERM_MONTHS, 120), V (DEPOSIT, 300), NOV } },
  { "Ich brauche ein Darlehen über 120.000 Euro mit 4,2 % Zinsen und 10 Jahren Laufzeit. Wie hoch ist die Rate?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, NULL, { V (PRINCIPAL, 120000), V (RATE, 0.042), V (TERM_MONTHS, 120), NOV } },
  { "Was kostet mich ein Kredit über 15.000 € bei 5,9 % Zinsen und 36 Monaten Laufzeit monatlich?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, NULL, { V (PRINCIPAL, 15000), V (RATE, 0.059), V (TERM_MONTHS, 36), NOV } },
  { "Wie viel Zinsen zahle ich insgesamt für einen Kredit von 30.000 € zu 4 % über 5 Jahre?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, "total_interest", { V (PRINCIPAL, 30000), V (RATE, 0.04), V (TERM_MONTHS, 60), NOV } },
  { "¿Qué cuota pagaré por un préstamo de 30.000 € al 6 % a 5 años?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, NULL, { V (PRINCIPAL, 30000), V (RATE, 0.06), V (TERM_MONTHS, 60), NOV } },
  { "Quiero pedir un préstamo de 50 mil euros al 5,5 % de interés durante 7 años. ¿Cuánto pagaré de cuota mensual?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, NULL, { V (PRINCIPAL, 50000), V (RATE, 0.055), V (TERM_MONTHS, 84), NOV } },
  { "¿Cuántos intereses pago en total por un préstamo de 20.000 € al 7 % en 4 años?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYMENT, "total_interest", { V (PRINCIPAL, 20000), V (RATE, 0.07), V (TERM_MONTHS, 48), NOV } },
  { "Ich habe 12.000 € Schulden zu 9 % Zinsen und zahle 400 € im Monat. Wann bin ich schuldenfrei?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYOFF, NULL, { V (PRINCIPAL, 12000), V (RATE, 0.09), V (PAYMENT, 400), NOV } },
  { "Wie lange brauche ich, um einen Kredit von 20.000 € bei 6 % mit 500 € Tilgung im Monat zurückzuzahlen?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYOFF, NULL, { V (PRINCIPAL, 20000), V (RATE, 0.06), V (PAYMENT, 500), NOV } },
  { "¿Cuánto tardo en pagar un préstamo de 10.000 € al 8 % si pago 300 € al mes?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYOFF, NULL, { V (PRINCIPAL, 10000), V (RATE, 0.08), V (PAYMENT, 300), NOV } },
  { "Debo 7.500 € al 18 % y pago 250 € al mes, ¿cuándo termino de pagar la deuda?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_LOAN_PAYOFF, NULL, { V (PRINCIPAL, 7500), V (RATE, 0.18), V (PAYMENT, 250), NOV } },
  { "Lohnt sich die Investition von 80.000 €, wenn sie 5 Jahre lang 20.000 € im Jahr einbringt und der Kalkulationszins 8 % beträgt?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_NPV_IRR, NULL, { V (TERM_MONTHS, 60), V (INVESTMENT, 80000), V (CASH_FLOW, 20000), V (DISCOUNT_RATE, 0.08) } },
  { "Wie hoch ist der Kapitalwert einer Investition von 100.000 €, die 8 Jahre lang 18.000 € pro Jahr bringt, bei 6 % Zins?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_NPV_IRR, NULL, { V (TERM_MONTHS, 96), V (INVESTMENT, 100000), V (CASH_FLOW, 18000), V (DISCOUNT_RATE, 0.06) } },
  { "Welchen internen Zinsfuß hat eine Investition von 40.000 €, die 6 Jahre lang 10.000 € im Jahr bringt?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_NPV_IRR, "irr", { V (TERM_MONTHS, 72), V (INVESTMENT, 40000), V (CASH_FLOW, 10000), NOV } },
  { "¿Vale la pena invertir 60.000 € en una máquina que ahorra 15.000 € al año durante 6 años con un coste de capital del 8 %?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_NPV_IRR, NULL, { V (TERM_MONTHS, 72), V (INVESTMENT, 60000), V (CASH_FLOW, 15000), V (DISCOUNT_RATE, 0.08) } },
  { "¿Cuál es el VAN de una inversión de 100.000 € que genera 25.000 € al año durante 5 años con una tasa de descuento del 9 %?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_NPV_IRR, NULL, { V (TERM_MONTHS, 60), V (INVESTMENT, 100000), V (CASH_FLOW, 25000), V (DISCOUNT_RATE, 0.09) } },
  { "¿Qué TIR tiene una inversión de 50.000 € que devuelve 14.000 € anuales durante 5 años?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_NPV_IRR, "irr", { V (TERM_MONTHS, 60), V (INVESTMENT, 50000), V (CASH_FLOW, 14000), NOV } },
  { "Was sind 10.000 € in 5 Jahren heute wert bei 6 % Zinsen?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "pv", { V (RATE, 0.06), V (TERM_MONTHS, 60), V (AMOUNT, 10000), NOV } },
  { "Wie viel sind 5.000 € in 10 Jahren wert, wenn sie mit 7 % verzinst werden?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "fv", { V (RATE, 0.07), V (TERM_MONTHS, 120), V (AMOUNT, 5000), NOV } },
  { "¿Cuánto valen hoy 20.000 € que recibiré dentro de 3 años con una tasa de descuento del 5 %?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "pv", { V (RATE, 0.05), V (TERM_MONTHS, 36), V (AMOUNT, 20000), NOV } },
  { "¿Cuánto valdrán 8.000 € dentro de 10 años al 6 % de interés?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_TIME_VALUE, "fv", { V (RATE, 0.06), V (TERM_MONTHS, 120), V (AMOUNT, 8000), NOV } },
  { "Welchem effektiven Jahreszins entsprechen 1,5 % Zinsen pro Monat?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_RATE_CONVERSION, NULL, { V (RATE, 0.18), NOV, NOV, NOV } },
  { "Wie hoch ist der effektive Jahreszins bei 12 % nominal und monatlicher Verzinsung?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_RATE_CONVERSION, "apr", { V (RATE, 0.12), NOV, NOV, NOV } },
  { "¿Qué tasa anual efectiva corresponde a un 2 % mensual?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_RATE_CONVERSION, NULL, { V (RATE, 0.24), NOV, NOV, NOV } },
  { "¿Cuál es la TAE de un 18 % nominal con capitalización mensual?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_RATE_CONVERSION, "apr", { V (RATE, 0.18), NOV, NOV, NOV } },
  { "Unser Umsatz ist in 3 Jahren von 400.000 € auf 650.000 € gestiegen. Wie hoch ist das jährliche Wachstum?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GROWTH, NULL, { V (TERM_MONTHS, 36), V (AMOUNT, 400000), V (TARGET_AMOUNT, 650000), NOV } },
  { "Wenn unser Umsatz von 500.000 € jedes Jahr um 15 % wächst, wie hoch ist er in 5 Jahren?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GROWTH, NULL, { V (TERM_MONTHS, 60), V (GROWTH, 0.15), V (AMOUNT, 500000), NOV } },
  { "La facturación pasó de 200.000 € a 350.000 € en 4 años, ¿cuál es el crecimiento anual?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GROWTH, "cagr", { V (TERM_MONTHS, 48), V (AMOUNT, 200000), V (TARGET_AMOUNT, 350000), NOV } },
  { "Si las ventas son de 2 Mio. € y crecen un 10 % al año, ¿cuánto serán en 5 años?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GROWTH, NULL, { V (TERM_MONTHS, 60), V (GROWTH, 0.1), V (AMOUNT, 2000000), NOV } },
  { "Ab wie vielen Stück erreiche ich die Gewinnschwelle bei einem Preis von 45 €, Stückkosten von 18 € und Fixkosten von 9.000 € im Monat?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_BREAK_EVEN, NULL, { V (PRICE, 45), V (UNIT_COST, 18), V (FIXED_COSTS, 9000), NOV } },
  { "Wo liegt die Gewinnschwelle, wenn meine Fixkosten 60.000 € im Jahr sind, der Verkaufspreis 30 € und die variablen Kosten 10 € pro Stück?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_BREAK_EVEN, NULL, { V (PRICE, 30), V (UNIT_COST, 10), V (FIXED_COSTS, 5000), NOV } },
  { "¿Cuál es mi punto de equilibrio si vendo a 45 €, el coste variable es 18 € y los costes fijos son 9.000 € al mes?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_BREAK_EVEN, NULL, { V (PRICE, 45), V (UNIT_COST, 18), V (FIXED_COSTS, 9000), NOV } },
  { "¿Cuántas unidades necesito vender para cubrir 4.500 € de costes fijos si el precio es 30 € y el coste unitario 12 €?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_BREAK_EVEN, NULL, { V (PRICE, 30), V (UNIT_COST, 12), V (FIXED_COSTS, 4500), NOV } },
  { "Wenn ich meine Preise um 8 % senke, wie viele Kunden brauche ich mehr? Wir haben 400 Kunden.",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PRICE_CHANGE, NULL, { V (PRICE_CHANGE, -0.08), V (CUSTOMERS, 400), NOV, NOV } },
  { "Sollte ich die Preise um 15 % erhöhen, auch wenn ich 10 % der Kunden verliere?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PRICE_CHANGE, NULL, { V (PRICE_CHANGE, 0.15), V (CUSTOMER_LOSS, 0.1), NOV, NOV } },
  { "¿Qué pasa con mi beneficio si subo los precios un 10 % y pierdo el 5 % de los clientes?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PRICE_CHANGE, NULL, { V (PRICE_CHANGE, 0.1), V (CUSTOMER_LOSS, 0.05), NOV, NOV } },
  { "Si bajo los precios un 15 % con 400 clientes, ¿qué pasa con el beneficio?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PRICE_CHANGE, NULL, { V (PRICE_CHANGE, -0.15), V (CUSTOMERS, 400), NOV, NOV } },
  { "Wie lange reicht unsere Liquidität? Wir haben 250.000 € in der Kasse und verbrennen 30.000 € pro Monat.",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_CASH_RUNWAY, NULL, { V (CASH, 250000), V (BURN, 30000), NOV, NOV } },
  { "Wann geht uns das Geld aus, wenn wir 900.000 € haben und 600.000 € im Jahr ausgeben?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_CASH_RUNWAY, NULL, { V (CASH, 900000), V (BURN, 50000), NOV, NOV } },
  { "¿Cuándo nos quedamos sin caja si tenemos 1,5 millones y gastamos 140.000 € al mes?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_CASH_RUNWAY, NULL, { V (CASH, 1500000), V (BURN, 140000), NOV, NOV } },
  { "Nach wie vielen Jahren hat sich eine Maschine für 20.000 € amortisiert, die 6.000 € im Jahr spart?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PAYBACK, NULL, { V (INVESTMENT, 20000), V (CASH_FLOW, 6000), NOV, NOV } },
  { "Wie lange dauert die Amortisation einer Solaranlage für 45.000 €, die 500 € im Monat einspart?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PAYBACK, NULL, { V (INVESTMENT, 45000), V (CASH_FLOW, 6000), NOV, NOV } },
  { "¿En cuánto tiempo se paga sola una máquina de 20.000 € que ahorra 6.000 € al año?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PAYBACK, NULL, { V (INVESTMENT, 20000), V (CASH_FLOW, 6000), NOV, NOV } },
  { "¿Cuál es el periodo de recuperación de una inversión de 45.000 € que ahorra 500 € al mes?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_PAYBACK, NULL, { V (INVESTMENT, 45000), V (CASH_FLOW, 6000), NOV, NOV } },
  { "Ich kaufe für 30 € ein und verkaufe für 50 €. Wie hoch ist meine Marge?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_MARGIN_MARKUP, "margin", { V (PRICE, 50), V (UNIT_COST, 30), NOV, NOV } },
  { "Welchen Preis muss ich verlangen, wenn ein Produkt 12 € kostet und ich 40 % Marge will?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_MARGIN_MARKUP, NULL, { V (UNIT_COST, 12), V (MARGIN, 0.4), NOV, NOV } },
  { "Was ist der Verkaufspreis, wenn es 80 € kostet und ich 35 % Aufschlag nehme?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_MARGIN_MARKUP, NULL, { V (UNIT_COST, 80), V (MARKUP, 0.35), NOV, NOV } },
  { "Compro a 30 € y vendo a 50 €, ¿cuál es mi margen de beneficio?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_MARGIN_MARKUP, "margin", { V (PRICE, 50), V (UNIT_COST, 30), NOV, NOV } },
  { "¿Qué precio pongo si un producto me cuesta 12 € y quiero un margen del 40 %?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_MARGIN_MARKUP, NULL, { V (UNIT_COST, 12), V (MARGIN, 0.4), NOV, NOV } },
  { "¿Cuál es el recargo si compro a 40 € y vendo a 65 €?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_MARGIN_MARKUP, "markup", { V (PRICE, 65), V (UNIT_COST, 40), NOV, NOV } },
  { "Wie hoch ist die lineare Abschreibung für einen Transporter für 50.000 € über 5 Jahre mit 5.000 € Restwert?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_DEPRECIATION, NULL, { V (TERM_MONTHS, 60), V (INVESTMENT, 50000), V (SALVAGE, 5000), NOV } },
  { "Abschreibung einer Maschine von 30.000 € über 6 Jahre?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_DEPRECIATION, NULL, { V (TERM_MONTHS, 72), V (INVESTMENT, 30000), NOV, NOV } },
  { "¿Cuál es la amortización lineal de una furgoneta de 50.000 € en 5 años con un valor residual de 5.000 €?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_DEPRECIATION, NULL, { V (TERM_MONTHS, 60), V (INVESTMENT, 50000), V (SALVAGE, 5000), NOV } },
  { "Depreciación de un ordenador de 1.200 € a 4 años",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_DEPRECIATION, NULL, { V (TERM_MONTHS, 48), V (INVESTMENT, 1200), NOV, NOV } },
  { "Wie hoch ist meine DSO bei 2,4 Mio. € Umsatz im Jahr und 300.000 € Forderungen?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_WORKING_CAPITAL, NULL, { V (REVENUE, 2400000), V (RECEIVABLES, 300000), NOV, NOV } },
  { "Meine Kunden zahlen nach 45 Tagen, ich halte 30 Tage Lagerbestand und zahle Lieferanten nach 60 Tagen. Wie lang ist mein Geldumschlag?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_WORKING_CAPITAL, "ccc", { V (DSO_DAYS, 45), V (DIO_DAYS, 30), V (DPO_DAYS, 60), NOV } },
  { "Mis clientes me pagan a 45 días, tengo 30 días de inventario y pago a proveedores a 60 días. ¿Cuál es mi ciclo de caja?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_WORKING_CAPITAL, "ccc", { V (DSO_DAYS, 45), V (DIO_DAYS, 30), V (DPO_DAYS, 60), NOV } },
  { "Wie hoch ist die optimale Bestellmenge bei 5.000 Stück im Jahr, 40 € pro Bestellung und 2,50 € Lagerkosten pro Stück?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_INVENTORY, NULL, { V (UNITS, 5000), V (ORDER_COST, 40), V (HOLDING_COST, 2.5), NOV } },
  { "¿Cuál es el tamaño óptimo de pedido con 5.000 unidades al año, 40 € por pedido y 2,50 € de coste de almacenamiento por unidad?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_INVENTORY, NULL, { V (UNITS, 5000), V (ORDER_COST, 40), V (HOLDING_COST, 2.5), NOV } },
  { "Was kostet mich ein neuer Mitarbeiter mit 45.000 € Gehalt im Jahr inklusive Lohnnebenkosten?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_HIRING_COST, NULL, { V (SALARY, 45000), NOV, NOV, NOV } },
  { "Wenn ich 2 Mitarbeiter mit je 3.500 € Lohn im Monat einstelle, was kostet das in 18 Monaten?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_HIRING_COST, NULL, { V (TERM_MONTHS, 18), V (SALARY, 3500), V (HEADCOUNT, 2), NOV } },
  { "¿Cuánto me cuesta contratar a un empleado con un sueldo de 30.000 € al año más cargas sociales?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_HIRING_COST, NULL, { V (SALARY, 30000), NOV, NOV, NOV } },
  { "Si contrato a 3 personas con un salario de 2.000 € al mes cada una, ¿cuál es el coste total en un año?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_HIRING_COST, NULL, { V (SALARY, 24000), V (HEADCOUNT, 3), NOV, NOV } },
  { "Wenn ich 200 € im Monat zu 3 % anlege, wie viel habe ich nach 15 Jahren?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_SAVINGS_GROWTH, NULL, { V (RATE, 0.03), V (TERM_MONTHS, 180), V (DEPOSIT, 200), NOV } },
  { "Ich habe 20.000 € gespart und lege jeden Monat 300 € zu 6 % für 15 Jahre zurück.",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_SAVINGS_GROWTH, NULL, { V (RATE, 0.06), V (TERM_MONTHS, 180), V (DEPOSIT, 300), V (AMOUNT, 20000) } },
  { "¿Cuánto ahorro tendré si meto 500 € al mes al 5 % durante 20 años?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_SAVINGS_GROWTH, NULL, { V (RATE, 0.05), V (TERM_MONTHS, 240), V (DEPOSIT, 500), NOV } },
  { "Soll ich Aktien von Apple kaufen?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GENERAL_MODEL, NULL, { NOV, NOV, NOV, NOV } },
  { "¿Cuánto son 100 dólares en euros?",
    WF_ROUTE_DECISION_ROUTE, WF_INTENT_GENERAL_MODEL, NULL, { NOV, NOV, NOV, NOV } },
  { "Wie wird das Wetter morgen?",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "¿Quién ganó el partido?",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "Wie spät ist es in Tokio?",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "¿Cuál es la capital de Francia?",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "Wie viele Einwohner hat Berlin?",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
  { "¿Cuántos años tiene el rey de España?",
    WF_ROUTE_DECISION_REFUSE, WF_INTENT_NONE, NULL, { NOV, NOV, NOV, NOV } },
};

#undef V
#undef NOV

/* ---- thresholds, clarify, refuse --------------------------------------------- */

static void
test_thresholds (void)
{
  WfQueryContext ctx;
  g_autoptr(WfRoute) strict = NULL;
  g_autoptr(WfRoute) lax = NULL;
  g_autoptr(WfRoute) normal = NULL;
  const char *q = "should I take the loan?";

  normal = wf_query_route (q, NULL, NULL);
  g_assert_cmpint (normal->decision, ==, WF_ROUTE_DECISION_CLARIFY);
  g_assert_cmpfloat (normal->confidence, >=, WF_QUERY_REFUSE_THRESHOLD_DEFAULT);
  g_assert_cmpfloat (normal->confidence, <, WF_QUERY_ROUTE_THRESHOLD_DEFAULT);

  /* The same confidence routes with a lower route threshold… */
  wf_query_context_init (&ctx);
  ctx.route_threshold = normal->confidence;
  lax = wf_query_route (q, &ctx, NULL);
  g_assert_cmpint (lax->decision, ==, WF_ROUTE_DECISION_ROUTE);
  g_assert_cmpint (lax->intent, ==, WF_INTENT_LOAN_PAYMENT);

  /* …and refuses with a higher refuse threshold. */
  wf_query_context_init (&ctx);
  ctx.refuse_threshold = normal->confidence + 0.01;
  strict = wf_query_route (q, &ctx, NULL);
  g_assert_cmpint (strict->decision, ==, WF_ROUTE_DECISION_REFUSE);
  g_assert_nonnull (strict->reason);
}

static const char *clarify_questions[] = {
  "should I take the loan?",
  "Is it worth it?",
  "how much will it cost me?",
  "my profit is low, what can I do?",
  "How much money do I need?",
  "what about my margins and prices?",
};

static void
test_clarify (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (clarify_questions); i++)
    {
      g_autoptr(WfRoute) route = wf_query_route (clarify_questions[i], NULL, NULL);
      guint k;

      g_test_message ("%s", clarify_questions[i]);
      g_assert_cmpint (route->decision, ==, WF_ROUTE_DECISION_CLARIFY);
      g_assert_nonnull (route->clarify_question);
      g_assert_cmpuint (route->options->len, >=, 2);
      g_assert_cmpuint (route->options->len, <=, 4);
      for (k = 0; k < route->options->len; k++)
        {
          const char *option = g_ptr_array_index (route->options, k);
          g_autoptr(WfRoute) picked = NULL;
          guint j;

          /* Each option is a complete question, distinct, that routes by itself. */
          g_assert_true (g_str_has_suffix (option, "?"));
          g_assert_cmpuint (strlen (option), >, 20);
          for (j = 0; j < k; j++)
            g_assert_cmpstr (option, !=, g_ptr_array_index (route->options, j));
          picked = wf_query_route (option, NULL, NULL);
          g_test_message ("  option: %s → %s %.2f", option, wf_intent_to_string (picked->intent), picked->confidence);
          g_assert_cmpint (picked->decision, ==, WF_ROUTE_DECISION_ROUTE);
        }
    }
}

static const char *refused_questions[] = {
  "what's the weather in Paris tomorrow?",
  "write me a poem about cats",
  "who won the football last night",
  "delete all my runs",
  "rm -rf / and then compute my loan",
  "DROP TABLE runs; what is my margin?",
  "read /etc/passwd and show me",
  "how do I launder money through my shop?",
  "wipe the database",
  "help me evade tax on 50k",
};

static void
test_refuse (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (refused_questions); i++)
    {
      g_autoptr(WfRoute) route = wf_query_route (refused_questions[i], NULL, NULL);

      g_test_message ("%s", refused_questions[i]);
      g_assert_cmpint (route->decision, ==, WF_ROUTE_DECISION_REFUSE);
      g_assert_cmpfloat (route->confidence, <, WF_QUERY_REFUSE_THRESHOLD_DEFAULT);
      g_assert_nonnull (route->reason);
      g_assert_cmpuint (strlen (route->reason), >, 20);
    }
}

static void
test_general_model (void)
{
  g_autoptr(WfRoute) route = wf_query_route ("Forecast my quarterly VAT liability by product line from my invoices and sales", NULL, NULL);

  g_assert_cmpint (route->intent, ==, WF_INTENT_GENERAL_MODEL);
  g_assert_cmpint (route->decision, ==, WF_ROUTE_DECISION_ROUTE);
}

static void
test_invalid (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_strnfill (WF_QUERY_MAX_LENGTH + 1, 'a');
  WfRoute *route;

  route = wf_query_route ("   ", NULL, &error);
  g_assert_null (route);
  g_assert_error (error, WF_QUERY_ROUTER_ERROR, WF_QUERY_ROUTER_ERROR_INVALID);
  g_clear_error (&error);
  route = wf_query_route ("loan \xff\xfe at 5%", NULL, &error);
  g_assert_null (route);
  g_assert_error (error, WF_QUERY_ROUTER_ERROR, WF_QUERY_ROUTER_ERROR_INVALID);
  g_clear_error (&error);
  route = wf_query_route (big, NULL, &error);
  g_assert_null (route);
  g_assert_error (error, WF_QUERY_ROUTER_ERROR, WF_QUERY_ROUTER_ERROR_INVALID);
}

/* ---- follow-ups -------------------------------------------------------------------- */

typedef struct
{
  const char *first;
  const char *follow;
  WfIntent    intent;
  WfSlot      changed;
  double      value;
  WfSlot      kept;
  double      kept_value;
} FollowUp;

static const FollowUp follow_ups[] = {
  { "can I afford a 40k van loan at 7.5% over 5 years?", "what about 10%?", WF_INTENT_LOAN_PAYMENT, WF_SLOT_RATE, 0.10, WF_SLOT_PRINCIPAL, 40000 },
  { "can I afford a 40k van loan at 7.5% over 5 years?", "and over 7 years", WF_INTENT_LOAN_PAYMENT, WF_SLOT_TERM_MONTHS, 84, WF_SLOT_RATE, 0.075 },
  { "can I afford a 40k van loan at 7.5% over 5 years?", "what if it's 55k?", WF_INTENT_LOAN_PAYMENT, WF_SLOT_PRINCIPAL, 55000, WF_SLOT_TERM_MONTHS, 60 },
  { "Is it worth investing $50,000 in a machine that saves $15,000 a year for 5 years at an 8% discount rate?", "now try 12%", WF_INTENT_NPV_IRR, WF_SLOT_DISCOUNT_RATE, 0.12, WF_SLOT_INVESTMENT, 50000 },
  { "If I raise prices by 10% and lose 5% of my customers, what happens to profit?", "what about 20%?", WF_INTENT_PRICE_CHANGE, WF_SLOT_PRICE_CHANGE, 0.20, WF_SLOT_CUSTOMER_LOSS, 0.05 },
  { "If I raise prices by 10% and lose 5% of my customers, what happens to profit?", "and if we lose 12% of customers?", WF_INTENT_PRICE_CHANGE, WF_SLOT_CUSTOMER_LOSS, 0.12, WF_SLOT_PRICE_CHANGE, 0.10 },
  { "How long will my cash last? I have $180,000 in the bank and burn $22,000 a month.", "what if we burn 30k a month instead?", WF_INTENT_CASH_RUNWAY, WF_SLOT_BURN, 30000, WF_SLOT_CASH, 180000 },
  { "If I save $500 a month at 5% for 10 years, how much will I have?", "and for 20 years?", WF_INTENT_SAVINGS_GROWTH, WF_SLOT_TERM_MONTHS, 240, WF_SLOT_DEPOSIT, 500 },
  { "What does it really cost to hire 2 developers at $85,000 salary?", "what about 4 developers?", WF_INTENT_HIRING_COST, WF_SLOT_HEADCOUNT, 4, WF_SLOT_SALARY, 85000 },
};

static void
test_follow_up (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (follow_ups); i++)
    {
      const FollowUp *f = &follow_ups[i];
      g_autoptr(WfRoute) first = wf_query_route (f->first, NULL, NULL);
      g_autoptr(WfRoute) second = NULL;
      g_autoptr(WfRoute) cold = NULL;
      WfQueryContext ctx;

      g_test_message ("%s → %s", f->first, f->follow);
      g_assert_cmpint (first->decision, ==, WF_ROUTE_DECISION_ROUTE);
      wf_query_context_init (&ctx);
      ctx.previous_intent = first->intent;
      ctx.previous_params = first->params;
      second = wf_query_route (f->follow, &ctx, NULL);
      g_assert_cmpint (second->decision, ==, WF_ROUTE_DECISION_ROUTE);
      g_assert_true (second->follow_up);
      g_assert_cmpint (second->intent, ==, f->intent);
      g_assert_cmpfloat_with_epsilon (wf_query_params_get (second->params, f->changed, NAN), f->value, 1e-9 * MAX (1, f->value));
      g_assert_cmpfloat_with_epsilon (wf_query_params_get (second->params, f->kept, NAN), f->kept_value,
                                      1e-9 * MAX (1, f->kept_value));
      /* The previous turn's parameters are not modified. */
      g_assert_cmpfloat_with_epsilon (wf_query_params_get (first->params, f->kept, NAN), f->kept_value,
                                      1e-9 * MAX (1, f->kept_value));

      /* Without the previous turn the same words do not route. */
      cold = wf_query_route (f->follow, NULL, NULL);
      g_assert_cmpint (cold->decision, !=, WF_ROUTE_DECISION_ROUTE);
    }
}

/* A new, complete question in a session is not treated as a follow-up. */
static void
test_follow_up_new_topic (void)
{
  g_autoptr(WfRoute) first = wf_query_route ("can I afford a 40k van loan at 7.5% over 5 years?", NULL, NULL);
  g_autoptr(WfRoute) second = NULL;
  WfQueryContext ctx;

  wf_query_context_init (&ctx);
  ctx.previous_intent = first->intent;
  ctx.previous_params = first->params;
  second = wf_query_route ("what's our runway with 1.5m cash and a burn of 140k per month?", &ctx, NULL);
  g_assert_false (second->follow_up);
  g_assert_cmpint (second->intent, ==, WF_INTENT_CASH_RUNWAY);
  g_assert_false (wf_query_params_has (second->params, WF_SLOT_PRINCIPAL));
}

/* Random questions built from finance words, numbers and junk: the router
 * always answers, within its contract. */
static void
test_random_questions (void)
{
  static const char *pieces[] = {
    "loan", "at", "7.5%", "$40k", "over", "5 years", "18 months", "what about", "and", "price",
    "customers", "lose", "10%", "break even", "runway", "burn", "1.2m", "\xe2\x82\xac" "500", "a month",
    "hire", "3 staff", "npv", "irr", "?", ",", "delete", "cats", "margin", "markup", "-", "%%",
    "0", "99999999999999999999", ".5", "1,000,000", "k", "m", "\xc3\xa9t\xc3\xa9", "save", "payback",
  };
  GRand *rand = g_rand_new_with_seed (20261122);
  g_autoptr(WfRoute) previous = NULL;
  int i;

  for (i = 0; i < 3000; i++)
    {
      GString *q = g_string_new (NULL);
      WfQueryContext ctx;
      WfRoute *route;
      int n = g_rand_int_range (rand, 1, 14);
      int k;

      for (k = 0; k < n; k++)
        {
          g_string_append (q, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
          g_string_append_c (q, ' ');
        }
      wf_query_context_init (&ctx);
      if (previous != NULL)
        {
          ctx.previous_intent = previous->intent;
          ctx.previous_params = previous->params;
        }
      route = wf_query_route (q->str, &ctx, NULL);
      g_string_free (q, TRUE);
      if (route == NULL)
        continue;   /* only for blank input, which cannot happen here */
      g_assert_cmpfloat (route->confidence, >=, 0.0);
      g_assert_cmpfloat (route->confidence, <=, 1.0);
      g_assert_nonnull (route->params);
      if (route->decision == WF_ROUTE_DECISION_CLARIFY)
        {
          g_assert_cmpuint (route->options->len, >=, 2);
          g_assert_cmpuint (route->options->len, <=, 4);
        }
      if (route->decision == WF_ROUTE_DECISION_REFUSE)
        g_assert_nonnull (route->reason);
      if (route->decision == WF_ROUTE_DECISION_ROUTE)
        {
          g_clear_pointer (&previous, wf_route_free);
          previous = route;
        }
      else
        wf_route_free (route);
    }
  g_rand_free (rand);
}

static void
test_params (void)
{
  g_autoptr(WfQueryParams) a = wf_query_params_new ();
  g_autoptr(WfQueryParams) b = wf_query_params_new ();
  g_autoptr(WfQueryParams) c = NULL;
  g_autofree char *s = NULL;
  WfIntent intent;

  g_assert_cmpuint (wf_query_params_count (a), ==, 0);
  wf_query_params_set (a, WF_SLOT_PRINCIPAL, 1000);
  wf_query_params_set (a, WF_SLOT_RATE, INFINITY);  /* non-finite is "not given" */
  g_assert_false (wf_query_params_has (a, WF_SLOT_RATE));
  wf_query_params_set (b, WF_SLOT_RATE, 0.05);
  wf_query_params_merge (a, b);
  g_assert_cmpuint (wf_query_params_count (a), ==, 2);
  c = wf_query_params_copy (a);
  g_assert_cmpfloat (wf_query_params_get (c, WF_SLOT_RATE, 0), ==, 0.05);
  s = wf_query_params_to_string (c);
  g_assert_cmpstr (s, ==, "principal=1000, rate=0.05");
  g_assert_cmpstr (c->currency, ==, "");

  /* The currency: copied, merged only when the update names one, shown. */
  g_strlcpy (b->currency, "EUR", sizeof b->currency);
  wf_query_params_merge (a, b);
  g_assert_cmpstr (a->currency, ==, "EUR");
  g_assert_false (a->currency_assumed);
  b->currency[0] = '\0';
  wf_query_params_merge (a, b);
  g_assert_cmpstr (a->currency, ==, "EUR");
  g_clear_pointer (&c, wf_query_params_free);
  c = wf_query_params_copy (a);
  g_assert_cmpstr (c->currency, ==, "EUR");
  g_clear_pointer (&s, g_free);
  s = wf_query_params_to_string (c);
  g_assert_cmpstr (s, ==, "principal=1000, rate=0.05, currency=EUR");
  g_strlcpy (b->currency, "GBP", sizeof b->currency);
  b->currency_assumed = TRUE;
  wf_query_params_merge (a, b);
  g_assert_cmpstr (a->currency, ==, "GBP");
  g_assert_true (a->currency_assumed);
  /* Only a valid code is ever shown. */
  memcpy (c->currency, "e\"\n", 4);
  g_clear_pointer (&s, g_free);
  s = wf_query_params_to_string (c);
  g_assert_cmpstr (s, ==, "principal=1000, rate=0.05");

  for (intent = WF_INTENT_NONE; intent < WF_INTENT_LAST; intent++)
    {
      WfIntent back;

      g_assert_true (wf_intent_from_string (wf_intent_to_string (intent), &back));
      g_assert_cmpint (back, ==, intent);
    }
  g_assert_false (wf_intent_from_string ("nope", &intent));
}

/* The currency a question names, on the route's parameters whatever the route. */
typedef struct
{
  const char *text;
  const char *currency;
} RouteCurrency;

static const RouteCurrency route_currencies[] = {
  { "can I afford a \xe2\x82\xac" "40k van loan at 7.5% over 5 years?", "EUR" },
  { "Kredit von 40.000 Euro zu 5% \xc3\xbc" "ber 10 Jahre, wie hoch ist die monatliche Rate?", "EUR" },
  { "Kredit \xc3\xbc" "ber 40.000 \xe2\x82\xac f\xc3\xbcr 5 Jahre zu 6%", "EUR" },
  { "pr\xc3\xa9stamo de 30.000 euros al 7% durante 5 a\xc3\xb1os", "EUR" },
  { "How long to pay off \xc2\xa3" "5,000 at 19.9% paying 200 a month?", "GBP" },
  { "monthly payment on a 5000 GBP loan at 5% for 2 years", "GBP" },
  { "monthly payment on a loan of 40k dollars at 7% over 5 years", "USD" },
  { "If I save CA$ 500 a month at 5% for 10 years, how much will I have?", "CAD" },
  { "What's my monthly payment on a $250,000 mortgage at 6.5% for 30 years?", "USD" },
  { "can I afford a 40k van loan at 7.5% over 5 years?", "" },
  { "We are opening in Europe: a 40k loan at 7% over 5 years, what's the payment?", "" },
  { "what does a neuro clinic pay on a 40k loan at 7% over 5 years?", "" },
};

static void
test_currency (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (route_currencies); i++)
    {
      const RouteCurrency *c = &route_currencies[i];
      g_autoptr(WfRoute) route = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", c->text);
      route = wf_query_route (c->text, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (route->decision, ==, WF_ROUTE_DECISION_ROUTE);
      g_assert_cmpstr (route->params->currency, ==, c->currency);
      g_assert_false (route->params->currency_assumed);
    }

  /* Refused and unclear questions carry it too. */
  {
    g_autoptr(WfRoute) route = wf_query_route ("40 euros", NULL, NULL);

    g_assert_cmpint (route->decision, !=, WF_ROUTE_DECISION_ROUTE);
    g_assert_cmpstr (route->params->currency, ==, "EUR");
  }
}

/* A follow-up that names a currency switches to it; one that names none keeps
 * the one in force. */
static void
test_currency_follow_up (void)
{
  g_autoptr(WfRoute) first = wf_query_route ("can I afford a \xe2\x82\xac" "40k van loan at 7.5% over 5 years?",
                                             NULL, NULL);
  g_autoptr(WfRoute) kept = NULL;
  g_autoptr(WfRoute) switched = NULL;
  g_autoptr(WfRoute) only_currency = NULL;
  WfQueryContext ctx;

  g_assert_cmpstr (first->params->currency, ==, "EUR");
  wf_query_context_init (&ctx);
  ctx.previous_intent = first->intent;
  ctx.previous_params = first->params;

  kept = wf_query_route ("and over 7 years?", &ctx, NULL);
  g_assert_cmpint (kept->decision, ==, WF_ROUTE_DECISION_ROUTE);
  g_assert_true (kept->follow_up);
  g_assert_cmpstr (kept->params->currency, ==, "EUR");
  g_assert_cmpfloat (wf_query_params_get (kept->params, WF_SLOT_TERM_MONTHS, NAN), ==, 84);

  switched = wf_query_route ("what about 50k pounds?", &ctx, NULL);
  g_assert_cmpint (switched->decision, ==, WF_ROUTE_DECISION_ROUTE);
  g_assert_true (switched->follow_up);
  g_assert_cmpstr (switched->params->currency, ==, "GBP");
  g_assert_cmpfloat (wf_query_params_get (switched->params, WF_SLOT_PRINCIPAL, NAN), ==, 50000);

  /* Only the currency changes: still clear enough to route. */
  ctx.previous_intent = kept->intent;
  ctx.previous_params = kept->params;
  only_currency = wf_query_route ("and in dollars?", &ctx, NULL);
  g_assert_cmpint (only_currency->decision, ==, WF_ROUTE_DECISION_ROUTE);
  g_assert_true (only_currency->follow_up);
  g_assert_cmpint (only_currency->intent, ==, WF_INTENT_LOAN_PAYMENT);
  g_assert_cmpstr (only_currency->params->currency, ==, "USD");
  g_assert_cmpfloat (wf_query_params_get (only_currency->params, WF_SLOT_TERM_MONTHS, NAN), ==, 84);

  /* The previous turn's parameters are not modified. */
  g_assert_cmpstr (first->params->currency, ==, "EUR");
  g_assert_cmpstr (kept->params->currency, ==, "EUR");
}

/* Questions about the user's datasets go to general_model, deterministically,
 * and only when there are datasets. */
static void
test_data_questions (void)
{
  const char * const names[] = { "sales", "customer_list", "q1", NULL };
  const char * const none[] = { NULL };
  static const char * const about_data[] = {
    "what if our top 10 customers by revenue left?",
    "summarise sales by month",
    "Which region in my data grew fastest?",
    "how much do the people in customer list owe us",
    "what happens to margin if my customers buy 10% less",
  };
  static const char * const not_data[] = {
    "can I afford a 40k van loan at 7.5% over 5 years?",
    "what is the break-even on a $20 product with $8 unit cost and $3,000 fixed costs a month",
  };
  WfQueryContext qc;

  wf_query_context_init (&qc);
  qc.dataset_names = names;
  for (gsize i = 0; i < G_N_ELEMENTS (about_data); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(WfRoute) route = wf_query_route (about_data[i], &qc, &error);

      g_assert_no_error (error);
      g_test_message ("%s → %s", about_data[i], wf_intent_to_string (route->intent));
      g_assert_true (wf_query_mentions_data (about_data[i], names));
      g_assert_cmpint (route->decision, ==, WF_ROUTE_DECISION_ROUTE);
      g_assert_cmpint (route->intent, ==, WF_INTENT_GENERAL_MODEL);
      /* Without datasets the same words are not about data. */
      g_assert_false (wf_query_mentions_data (about_data[i], none));
      g_assert_false (wf_query_mentions_data (about_data[i], NULL));
    }
  for (gsize i = 0; i < G_N_ELEMENTS (not_data); i++)
    {
      g_autoptr(WfRoute) with = wf_query_route (not_data[i], &qc, NULL);
      g_autoptr(WfRoute) without = wf_query_route (not_data[i], NULL, NULL);

      g_assert_false (wf_query_mentions_data (not_data[i], names));
      g_assert_cmpint (with->intent, ==, without->intent);
      g_assert_cmpint (with->intent, !=, WF_INTENT_GENERAL_MODEL);
    }
  /* A two-letter dataset name never matches ordinary words. */
  g_assert_false (wf_query_mentions_data ("what is my q1 loan payment", (const char * const[]) { "q1", NULL }));
}

int
main (int    argc,
      char **argv)
{
  guint i;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_set_nonfatal_assertions ();

  g_test_add_func ("/router/extract", test_extract);
  g_test_add_func ("/router/extract-per-period", test_extract_per_period);
  g_test_add_func ("/router/extract-hostile", test_extract_hostile);
  for (i = 0; i < G_N_ELEMENTS (routed); i++)
    {
      g_autofree char *path = g_strdup_printf ("/router/route/%02u-%s", i, wf_intent_to_string (routed[i].intent));
      g_test_add_data_func (path, &routed[i], test_routed);
    }
  for (i = 0; i < G_N_ELEMENTS (owner_questions); i++)
    {
      g_autofree char *path = g_strdup_printf ("/router/owner/%03u-%s-%s", i,
                                               wf_route_decision_to_string (owner_questions[i].decision),
                                               wf_intent_to_string (owner_questions[i].intent));
      g_test_add_data_func (path, &owner_questions[i], test_owner_question);
    }
  g_test_add_func ("/router/foreign", test_foreign);
  g_test_add_func ("/router/foreign-not-money", test_foreign_not_money);
  for (i = 0; i < G_N_ELEMENTS (foreign_owner_questions); i++)
    {
      g_autofree char *path = g_strdup_printf ("/router/foreign-owner/%03u-%s-%s", i,
                                               wf_route_decision_to_string (foreign_owner_questions[i].decision),
                                               wf_intent_to_string (foreign_owner_questions[i].intent));
      g_test_add_data_func (path, &foreign_owner_questions[i], test_owner_question);
    }
  g_test_add_func ("/router/thresholds", test_thresholds);
  g_test_add_func ("/router/clarify", test_clarify);
  g_test_add_func ("/router/refuse", test_refuse);
  g_test_add_func ("/router/general-model", test_general_model);
  g_test_add_func ("/router/invalid", test_invalid);
  g_test_add_func ("/router/follow-up", test_follow_up);
  g_test_add_func ("/router/follow-up-new-topic", test_follow_up_new_topic);
  g_test_add_func ("/router/params", test_params);
  g_test_add_func ("/router/currency", test_currency);
  g_test_add_func ("/router/currency-follow-up", test_currency_follow_up);
  g_test_add_func ("/router/random-questions", test_random_questions);
  g_test_add_func ("/router/data-questions", test_data_questions);

  return g_test_run ();
}
