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
  g_test_add_func ("/router/foreign", test_foreign);
  g_test_add_func ("/router/foreign-not-money", test_foreign_not_money);
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
