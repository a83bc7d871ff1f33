/* test-templates.c: every offline template, run for real, against figures
 * computed independently here in C
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each case is a question as an owner would type it. The test routes it,
 * renders the template, runs the program in the real bubblewrap sandbox and
 * compares the metrics with values computed below from the numbers written in
 * the case (and the template's stated defaults), never from the router's
 * output. When bubblewrap cannot run on this machine, the programs run with
 * `python3 -I` and the test-only shim in tests/data/whatif-shim instead, and
 * the test says so.
 */
#define G_LOG_DOMAIN "test-templates"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "wf-currency.h"
#include "wf-provider-offline.h"
#include "wf-query-router.h"
#include "wf-sandbox.h"
#include "wf-templates.h"
#include "wf-types.h"

static WfSandbox *sandbox;        /* NULL: the shim runs the programs */

#define MAX_EXPECT 4

typedef struct
{
  const char *name;
  double      value;
} Expect;

typedef guint (*ExpectFunc) (const double *a,
                             Expect       *out);

typedef struct
{
  const char *question;
  WfIntent    intent;
  ExpectFunc  expect;
  double      a[7];
} Case;

/* ---- independent finance ---------------------------------------------------- */

static double
pmt (double principal, double annual, double months)
{
  double r = annual / 12;

  if (r == 0)
    return principal / months;
  return principal * r / (1 - pow (1 + r, -months));
}

/* a: principal, annual rate, months */
static guint
expect_loan (const double *a, Expect *out)
{
  double p = pmt (a[0], a[1], a[2]);
  double total_interest = 0, balance = a[0];
  int k;

  /* Interest month by month, not p*n - P: a second way to the same total. */
  for (k = 0; k < (int) a[2]; k++)
    {
      double interest = balance * a[1] / 12;
      total_interest += interest;
      balance -= p - interest;
    }
  out[0] = (Expect) { "Monthly payment", p };
  out[1] = (Expect) { "Total interest", total_interest };
  out[2] = (Expect) { "Total paid", p * a[2] };
  return 3;
}

static guint
expect_loan_interest (const double *a, Expect *out)
{
  Expect tmp[MAX_EXPECT];

  expect_loan (a, tmp);
  out[0] = tmp[1];
  out[1] = tmp[0];
  out[2] = tmp[2];
  return 3;
}

/* a: balance, annual rate, payment */
static guint
expect_payoff (const double *a, Expect *out)
{
  double r = a[1] / 12, b = a[0], interest_total = 0;
  int n = 0;
  /* Months by simulation with a fractional last month... */
  while (b > 1e-9 && n < 1200)
    {
      double i = b * r;
      double paid = MIN (a[2], b + i);
      interest_total += i;
      b = b + i - paid;
      n++;
    }
  /* ...and by the closed form, which the template reports. */
  out[0] = (Expect) { "Months to pay off", r > 0 ? -log (1 - r * a[0] / a[2]) / log (1 + r) : a[0] / a[2] };
  out[1] = (Expect) { "Total interest", interest_total };
  out[2] = (Expect) { "Number of payments", n };
  g_assert_cmpfloat (fabs (out[0].value - n), <, 1.0 + 1e-9);
  return 3;
}

static double
npv (double rate, double invest, double cf, int years, double salvage)
{
  double v = -invest;
  int t;

  for (t = 1; t <= years; t++)
    v += (cf + (t == years ? salvage : 0)) / pow (1 + rate, t);
  return v;
}

static double
irr (double invest, double cf, int years, double salvage)
{
  double lo = -0.99, hi = 10;
  int i;

  for (i = 0; i < 300; i++)
    {
      double mid = (lo + hi) / 2;
      if (npv (lo, invest, cf, years, salvage) * npv (mid, invest, cf, years, salvage) <= 0)
        hi = mid;
      else
        lo = mid;
    }
  return (lo + hi) / 2;
}

/* a: investment, cash flow per year, years, discount rate, salvage */
static guint
expect_npv (const double *a, Expect *out)
{
  out[0] = (Expect) { "Net present value", npv (a[3], a[0], a[1], (int) a[2], a[4]) };
  out[1] = (Expect) { "Internal rate of return", irr (a[0], a[1], (int) a[2], a[4]) };
  return 2;
}

static guint
expect_irr (const double *a, Expect *out)
{
  expect_npv (a, out);
  {
    Expect t = out[0];
    out[0] = out[1];
    out[1] = t;
  }
  return 2;
}

/* a: amount, rate, years */
static guint
expect_pv (const double *a, Expect *out)
{
  out[0] = (Expect) { "Present value", a[0] / pow (1 + a[1], a[2]) };
  out[1] = (Expect) { "Future value", a[0] * pow (1 + a[1], a[2]) };
  return 2;
}

static guint
expect_fv (const double *a, Expect *out)
{
  out[0] = (Expect) { "Future value", a[0] * pow (1 + a[1], a[2]) };
  out[1] = (Expect) { "Present value", a[0] / pow (1 + a[1], a[2]) };
  return 2;
}

/* a: monthly payment, rate, years */
static guint
expect_annuity_pv (const double *a, Expect *out)
{
  double r = a[1] / 12, n = a[2] * 12, pv = 0, fv = 0;
  int k;

  for (k = 1; k <= (int) n; k++)
    {
      pv += a[0] / pow (1 + r, k);
      fv += a[0] * pow (1 + r, n - k);
    }
  out[0] = (Expect) { "Present value", pv };
  out[1] = (Expect) { "Future value", fv };
  return 2;
}

/* a: APR */
static guint
expect_effective (const double *a, Expect *out)
{
  double e = 1;
  int k;

  for (k = 0; k < 12; k++)
    e *= 1 + a[0] / 12;
  out[0] = (Expect) { "Effective annual rate", e - 1 };
  out[1] = (Expect) { "Monthly rate", a[0] / 12 };
  return 2;
}

/* a: effective rate */
static guint
expect_apr (const double *a, Expect *out)
{
  out[0] = (Expect) { "APR (compounded monthly)", 12 * (pow (1 + a[0], 1.0 / 12) - 1) };
  return 1;
}

/* a: start, end, years */
static guint
expect_cagr (const double *a, Expect *out)
{
  out[0] = (Expect) { "Compound annual growth rate", pow (a[1] / a[0], 1 / a[2]) - 1 };
  return 1;
}

/* a: growth rate */
static guint
expect_doubling (const double *a, Expect *out)
{
  /* Solve (1+g)^t = 2 by bisection rather than by the log formula. */
  double lo = 0, hi = 1000;
  int i;

  for (i = 0; i < 200; i++)
    {
      double mid = (lo + hi) / 2;
      if (pow (1 + a[0], mid) < 2)
        lo = mid;
      else
        hi = mid;
    }
  out[0] = (Expect) { "Doubling time", (lo + hi) / 2 };
  return 1;
}

/* a: start, growth, years */
static guint
expect_projection (const double *a, Expect *out)
{
  double v = a[0];
  int k;

  for (k = 0; k < (int) a[2]; k++)
    v *= 1 + a[1];
  out[0] = (Expect) { "Projected value", v };
  out[1] = (Expect) { "Increase", v - a[0] };
  return 2;
}

/* a: price, unit cost, fixed, target profit */
static guint
expect_break_even (const double *a, Expect *out)
{
  double units = (a[2] + a[3]) / (a[0] - a[1]);

  out[0] = (Expect) { "Break-even units", units };
  out[1] = (Expect) { "Break-even units (rounded up)", ceil (units) };
  out[2] = (Expect) { "Break-even revenue", units * a[0] };
  return 3;
}

/* a: price, customers, unit cost, price change, customer loss */
static guint
expect_price_change (const double *a, Expect *out)
{
  double before = (a[0] - a[2]) * a[1];
  double after = (a[0] * (1 + a[3]) - a[2]) * a[1] * (1 - a[4]);

  out[0] = (Expect) { "Change in profit per month", after - before };
  out[1] = (Expect) { "Profit after the change", after };
  out[2] = (Expect) { "Customer loss that keeps profit unchanged",
                      1 - (a[0] - a[2]) / (a[0] * (1 + a[3]) - a[2]) };
  return 3;
}

/* a: revenue, variable share, price change, customer loss */
static guint
expect_price_change_revenue (const double *a, Expect *out)
{
  double before = a[0] * (1 - a[1]);
  double after = (a[0] * (1 + a[2]) - a[0] * a[1]) * (1 - a[3]);

  out[0] = (Expect) { "Change in profit per month", after - before };
  return 1;
}

/* a: cash, burn, revenue, monthly burn growth */
static guint
expect_runway (const double *a, Expect *out)
{
  double cash = a[0], runway = INFINITY;
  int m;

  if (a[3] == 0)
    runway = a[1] > a[2] ? a[0] / (a[1] - a[2]) : INFINITY;
  else
    for (m = 1; m <= 600; m++)
      {
        double net = a[1] * pow (1 + a[3], m - 1) - a[2];
        if (net > 0 && net >= cash)
          {
            runway = m - 1 + cash / net;
            break;
          }
        cash -= net;
      }
  out[0] = (Expect) { "Runway", isinf (runway) ? NAN : runway };
  out[1] = (Expect) { "Net burn per month now", a[1] - a[2] };
  return 2;
}

/* a: investment, cash flow per year, growth */
static guint
expect_payback (const double *a, Expect *out)
{
  double cum = 0, pb = NAN;
  int y;

  for (y = 1; y <= 100; y++)
    {
      double f = a[1] * pow (1 + a[2], y - 1);
      if (cum + f >= a[0])
        {
          pb = y - 1 + (a[0] - cum) / f;
          break;
        }
      cum += f;
    }
  out[0] = (Expect) { "Payback period", pb };
  out[1] = (Expect) { "Payback period in months", pb * 12 };
  out[2] = (Expect) { "Simple payback", a[0] / a[1] };
  return 3;
}

/* a: cost, price */
static guint
expect_margin_measure (const double *a, Expect *out)
{
  out[0] = (Expect) { "Gross margin", (a[1] - a[0]) / a[1] };
  out[1] = (Expect) { "Markup", (a[1] - a[0]) / a[0] };
  return 2;
}

/* a: cost, margin */
static guint
expect_margin_price (const double *a, Expect *out)
{
  out[0] = (Expect) { "Price for target margin", a[0] / (1 - a[1]) };
  out[1] = (Expect) { "Profit per unit", a[0] / (1 - a[1]) - a[0] };
  return 2;
}

/* a: cost, markup */
static guint
expect_markup_price (const double *a, Expect *out)
{
  out[0] = (Expect) { "Price with markup", a[0] * (1 + a[1]) };
  out[1] = (Expect) { "Gross margin", a[1] / (1 + a[1]) };
  return 2;
}

/* a: cost, salvage, life years */
static guint
expect_straight_line (const double *a, Expect *out)
{
  out[0] = (Expect) { "Annual straight-line depreciation", (a[0] - a[1]) / a[2] };
  out[1] = (Expect) { "First-year declining-balance depreciation", MIN (a[0] * 2 / a[2], a[0] - a[1]) };
  out[2] = (Expect) { "Total depreciation", a[0] - a[1] };
  return 3;
}

static guint
expect_declining (const double *a, Expect *out)
{
  out[0] = (Expect) { "First-year declining-balance depreciation", MIN (a[0] * 2 / a[2], a[0] - a[1]) };
  out[1] = (Expect) { "Annual straight-line depreciation", (a[0] - a[1]) / a[2] };
  return 2;
}

/* a: revenue, receivables, cogs, inventory, payables */
static guint
expect_working_capital (const double *a, Expect *out)
{
  double dso = a[1] / a[0] * 365, dio = a[3] / a[2] * 365, dpo = a[4] / a[2] * 365;

  out[0] = (Expect) { "Days sales outstanding", dso };
  out[1] = (Expect) { "Days inventory outstanding", dio };
  out[2] = (Expect) { "Days payables outstanding", dpo };
  out[3] = (Expect) { "Cash conversion cycle", dso + dio - dpo };
  return 4;
}

/* a: demand, order cost, holding cost, lead days */
static guint
expect_eoq (const double *a, Expect *out)
{
  out[0] = (Expect) { "Economic order quantity", sqrt (2 * a[0] * a[1] / a[2]) };
  out[1] = (Expect) { "Reorder point", a[0] / 365 * a[3] };
  return 2;
}

static guint
expect_reorder (const double *a, Expect *out)
{
  out[0] = (Expect) { "Reorder point", a[0] / 365 * a[3] };
  out[1] = (Expect) { "Economic order quantity", sqrt (2 * a[0] * a[1] / a[2]) };
  return 2;
}

/* a: salary, headcount, on-costs, recruiting, equipment, months */
static guint
expect_hiring (const double *a, Expect *out)
{
  double monthly = a[1] * a[0] * (1 + a[2]) / 12;

  out[0] = (Expect) { "Total cost over the period", a[1] * (a[3] + a[4]) + monthly * a[5] };
  out[1] = (Expect) { "Monthly cost", monthly };
  return 2;
}

/* a: initial, monthly deposit, rate, years */
static guint
expect_savings (const double *a, Expect *out)
{
  double b = a[0], r = a[2] / 12;
  int m;

  for (m = 0; m < (int) (a[3] * 12); m++)
    b = b * (1 + r) + a[1];
  out[0] = (Expect) { "Final balance", b };
  out[1] = (Expect) { "Total deposited", a[0] + a[1] * a[3] * 12 };
  return 2;
}

/* The cash conversion cycle asked for: it comes first. */
static guint
expect_working_capital_ccc (const double *a, Expect *out)
{
  Expect tmp[MAX_EXPECT];

  expect_working_capital (a, tmp);
  out[0] = tmp[3];
  out[1] = tmp[0];
  out[2] = tmp[1];
  out[3] = tmp[2];
  return 4;
}

/* a: DSO, DIO, DPO in days, as the question gave them; the cycle asked for */
static guint
expect_working_capital_days (const double *a, Expect *out)
{
  out[0] = (Expect) { "Cash conversion cycle", a[0] + a[1] - a[2] };
  out[1] = (Expect) { "Days sales outstanding", a[0] };
  out[2] = (Expect) { "Days inventory outstanding", a[1] };
  out[3] = (Expect) { "Days payables outstanding", a[2] };
  return 4;
}

/* a: DSO in days, inventory, cogs, payables: days and balances mixed */
static guint
expect_working_capital_mixed (const double *a, Expect *out)
{
  double dio = a[1] / a[2] * 365, dpo = a[3] / a[2] * 365;

  out[0] = (Expect) { "Cash conversion cycle", a[0] + dio - dpo };
  out[1] = (Expect) { "Days sales outstanding", a[0] };
  out[2] = (Expect) { "Days inventory outstanding", dio };
  out[3] = (Expect) { "Days payables outstanding", dpo };
  return 4;
}

/* a: cost, price; the markup asked for */
static guint
expect_markup_measure (const double *a, Expect *out)
{
  out[0] = (Expect) { "Markup", (a[1] - a[0]) / a[0] };
  out[1] = (Expect) { "Gross margin", (a[1] - a[0]) / a[1] };
  return 2;
}

/* a: cost, margin; the markup that gives it asked for */
static guint
expect_markup_for_margin (const double *a, Expect *out)
{
  out[0] = (Expect) { "Markup", a[1] / (1 - a[1]) };
  out[1] = (Expect) { "Price for target margin", a[0] / (1 - a[1]) };
  return 2;
}

/* a: principal, annual rate, months; the total paid asked for */
static guint
expect_loan_total (const double *a, Expect *out)
{
  Expect tmp[MAX_EXPECT];

  expect_loan (a, tmp);
  out[0] = tmp[2];
  out[1] = tmp[0];
  out[2] = tmp[1];
  return 3;
}

/* a: price, unit cost, fixed, target profit; the revenue asked for */
static guint
expect_break_even_revenue (const double *a, Expect *out)
{
  Expect tmp[MAX_EXPECT];

  expect_break_even (a, tmp);
  out[0] = tmp[2];
  out[1] = tmp[0];
  return 2;
}

/* a: salary, headcount, on-costs; the monthly cost asked for */
static guint
expect_hiring_monthly (const double *a, Expect *out)
{
  out[0] = (Expect) { "Monthly cost", a[1] * a[0] * (1 + a[2]) / 12 };
  out[1] = (Expect) { "Fully loaded cost per person per year", a[0] * (1 + a[2]) };
  return 2;
}

/* a: initial, monthly deposit, rate, years; the interest earned asked for */
static guint
expect_savings_earned (const double *a, Expect *out)
{
  Expect tmp[MAX_EXPECT];

  expect_savings (a, tmp);
  out[0] = (Expect) { "Growth earned", tmp[0].value - tmp[1].value };
  out[1] = tmp[0];
  out[2] = tmp[1];
  return 3;
}

/* ---- the questions ------------------------------------------------------------ */

static const Case cases[] = {
  /* loan payment: principal, rate, months */
  { "can I afford a 40k van loan at 7.5% over 5 years?", WF_INTENT_LOAN_PAYMENT, expect_loan, { 40000, 0.075, 60 } },
  { "What's my monthly payment on a $250,000 mortgage at 6.5% for 30 years?", WF_INTENT_LOAN_PAYMENT, expect_loan, { 250000, 0.065, 360 } },
  { "If I borrow $15,000 at 9% over 36 months what will the payments be?", WF_INTENT_LOAN_PAYMENT, expect_loan, { 15000, 0.09, 36 } },
  { "monthly payment for a 1.2m loan, 5.25% APR, 20 years", WF_INTENT_LOAN_PAYMENT, expect_loan, { 1200000, 0.0525, 240 } },
  { "How much total interest will I pay on a $30,000 loan at 8% over 6 years?", WF_INTENT_LOAN_PAYMENT, expect_loan_interest, { 30000, 0.08, 72 } },
  { "Equipment loan of €80,000 at 4.9% for 48 months: what's the repayment?", WF_INTENT_LOAN_PAYMENT, expect_loan, { 80000, 0.049, 48 } },
  { "amortization schedule for 10,000 at 12% over 18 months", WF_INTENT_LOAN_PAYMENT, expect_loan, { 10000, 0.12, 18 } },
  { "I want to finance a $60k truck at 0% for 60 months, what's the monthly payment?", WF_INTENT_LOAN_PAYMENT, expect_loan, { 60000, 0.0, 60 } },
  { "What would the payments be on a loan of 40 thousand dollars at 6% over 3 years?", WF_INTENT_LOAN_PAYMENT, expect_loan, { 40000, 0.06, 36 } },
  { "Can we afford to borrow $2.5m at 7% for 10 years for the new warehouse?", WF_INTENT_LOAN_PAYMENT, expect_loan, { 2500000, 0.07, 120 } },
  { "What's the monthly payment on a loan at 7.5%?", WF_INTENT_LOAN_PAYMENT, expect_loan, { 25000, 0.075, 60 } },
  /* payoff: balance, rate, payment */
  { "How long will it take to pay off $5,000 on my credit card at 19.9% if I pay $200 a month?", WF_INTENT_LOAN_PAYOFF, expect_payoff, { 5000, 0.199, 200 } },
  { "how long until I'm debt free: $12k balance, 7% interest, paying $400 per month", WF_INTENT_LOAN_PAYOFF, expect_payoff, { 12000, 0.07, 400 } },
  { "I owe 8,500 on a card at 24% APR and can pay 300 a month. When will it be paid off?", WF_INTENT_LOAN_PAYOFF, expect_payoff, { 8500, 0.24, 300 } },
  { "pay off a $20,000 loan at 5% with $1,000 payments per month - how many months?", WF_INTENT_LOAN_PAYOFF, expect_payoff, { 20000, 0.05, 1000 } },
  /* NPV / IRR: investment, cash flow, years, discount, salvage */
  { "Is it worth investing $50,000 in a machine that saves $15,000 a year for 5 years at an 8% discount rate?", WF_INTENT_NPV_IRR, expect_npv, { 50000, 15000, 5, 0.08, 0 } },
  { "What's the NPV of spending 120k on solar panels that save 18k per year over 10 years, discount rate 6%?", WF_INTENT_NPV_IRR, expect_npv, { 120000, 18000, 10, 0.06, 0 } },
  { "What is the IRR if I invest $200,000 and it returns $55,000 a year for 6 years?", WF_INTENT_NPV_IRR, expect_irr, { 200000, 55000, 6, 0.08, 0 } },
  { "net present value of a $30k investment returning $9k/yr for 4 years at a 10% hurdle rate", WF_INTENT_NPV_IRR, expect_npv, { 30000, 9000, 4, 0.10, 0 } },
  { "NPV: invest 75,000, cash flow 20,000 a year, 5 years, 12% discount rate, salvage 10,000", WF_INTENT_NPV_IRR, expect_npv, { 75000, 20000, 5, 0.12, 10000 } },
  { "internal rate of return on 10k that brings in 3k a year for 5 years?", WF_INTENT_NPV_IRR, expect_irr, { 10000, 3000, 5, 0.08, 0 } },
  /* time value: amount, rate, years */
  { "What is $10,000 received in 5 years worth today at 6%?", WF_INTENT_TIME_VALUE, expect_pv, { 10000, 0.06, 5 } },
  { "present value of 50k in 8 years at 4.5%", WF_INTENT_TIME_VALUE, expect_pv, { 50000, 0.045, 8 } },
  { "future value of $25,000 at 7% for 12 years", WF_INTENT_TIME_VALUE, expect_fv, { 25000, 0.07, 12 } },
  { "present value of an annuity of $500 a month for 10 years at 5%", WF_INTENT_TIME_VALUE, expect_annuity_pv, { 500, 0.05, 10 } },
  /* rate conversion */
  { "What's the effective annual rate of an 18% APR compounded monthly?", WF_INTENT_RATE_CONVERSION, expect_effective, { 0.18 } },
  { "convert 6.9% APR to an effective rate", WF_INTENT_RATE_CONVERSION, expect_effective, { 0.069 } },
  { "convert an effective annual rate of 12.68% to APR", WF_INTENT_RATE_CONVERSION, expect_apr, { 0.1268 } },
  /* growth */
  { "Revenue went from $400k to $650k in 3 years, what's the CAGR?", WF_INTENT_GROWTH, expect_cagr, { 400000, 650000, 3 } },
  { "what is the compound annual growth rate from 1.2m to 2m over 4 years", WF_INTENT_GROWTH, expect_cagr, { 1200000, 2000000, 4 } },
  { "How long does it take money to double at 7% growth?", WF_INTENT_GROWTH, expect_doubling, { 0.07 } },
  { "If sales are $500,000 and grow 15% a year, what will they be in 5 years?", WF_INTENT_GROWTH, expect_projection, { 500000, 0.15, 5 } },
  { "project 80k revenue growing at 25% for 3 years", WF_INTENT_GROWTH, expect_projection, { 80000, 0.25, 3 } },
  /* break-even: price, unit cost, fixed, target */
  { "How many units do I need to sell to break even if I sell at $45, it costs $18 to make, and fixed costs are $9,000 a month?", WF_INTENT_BREAK_EVEN, expect_break_even, { 45, 18, 9000, 0 } },
  { "break-even for a coffee shop: price $4.50 per cup, cost $1.20 each, rent and wages 12k per month", WF_INTENT_BREAK_EVEN, expect_break_even, { 4.5, 1.2, 12000, 0 } },
  { "breakeven point with $25,000 fixed costs, unit price 120 and variable cost 70", WF_INTENT_BREAK_EVEN, expect_break_even, { 120, 70, 25000, 0 } },
  { "How many do I need to sell at $30 each with a unit cost of $12 and $5k fixed to make a profit of $4,000?", WF_INTENT_BREAK_EVEN, expect_break_even, { 30, 12, 5000, 4000 } },
  { "what's my break even?", WF_INTENT_BREAK_EVEN, expect_break_even, { 50, 20, 10000, 0 } },
  /* price change: price, customers, unit cost, change, loss */
  { "If I raise prices by 10% and lose 5% of my customers, what happens to profit? I charge $80 to 300 customers.", WF_INTENT_PRICE_CHANGE, expect_price_change, { 80, 300, 0, 0.10, 0.05 } },
  { "We have 1,200 subscribers paying $25 a month. What if we increase prices 20% and 8% churn?", WF_INTENT_PRICE_CHANGE, expect_price_change, { 25, 1200, 0, 0.20, 0.08 } },
  { "price increase of 15% on a $200 service costing $120 to deliver, 150 clients, we might lose 10% of them", WF_INTENT_PRICE_CHANGE, expect_price_change, { 200, 150, 120, 0.15, 0.10 } },
  { "Should I cut prices 10% if I gain... no wait, what if I cut my price by 10% and lose 0% of customers with 500 customers at $40?", WF_INTENT_PRICE_CHANGE, expect_price_change, { 40, 500, 0, -0.10, 0.0 } },
  { "Revenue is $50,000 a month; if we raise prices 5% and lose 3% of customers, what's the effect?", WF_INTENT_PRICE_CHANGE, expect_price_change_revenue, { 50000, 0, 0.05, 0.03 } },
  /* runway: cash, burn, revenue, growth */
  { "How long will my cash last? I have $180,000 in the bank and burn $22,000 a month.", WF_INTENT_CASH_RUNWAY, expect_runway, { 180000, 22000, 0, 0 } },
  { "what's our runway with 1.5m cash, spending 140k per month and revenue of 60k a month", WF_INTENT_CASH_RUNWAY, expect_runway, { 1500000, 140000, 60000, 0 } },
  { "When do we run out of money with $90k and expenses of $15k/month growing 5% a month?", WF_INTENT_CASH_RUNWAY, expect_runway, { 90000, 15000, 0, 0.05 } },
  { "cash runway: $400,000 in the bank, burn 35k a month", WF_INTENT_CASH_RUNWAY, expect_runway, { 400000, 35000, 0, 0 } },
  /* payback: investment, cash flow, growth */
  { "How long until a $20,000 machine pays for itself if it saves $6,000 a year?", WF_INTENT_PAYBACK, expect_payback, { 20000, 6000, 0 } },
  { "payback period for 45k of solar panels saving 500 a month", WF_INTENT_PAYBACK, expect_payback, { 45000, 6000, 0 } },
  { "When will a $100k investment pay back if it brings in $30k a year growing 10% a year?", WF_INTENT_PAYBACK, expect_payback, { 100000, 30000, 0.10 } },
  { "How long to recoup $8,000 spent on a new oven that earns an extra $250 a month?", WF_INTENT_PAYBACK, expect_payback, { 8000, 3000, 0 } },
  /* margins: cost, price / margin / markup */
  { "I buy them for $30 and sell for $50, what's my margin?", WF_INTENT_MARGIN_MARKUP, expect_margin_measure, { 30, 50 } },
  { "What should I charge for a product that costs $12 to get a 40% margin?", WF_INTENT_MARGIN_MARKUP, expect_margin_price, { 12, 0.40 } },
  { "price for a 60% gross margin on a unit cost of 4.25", WF_INTENT_MARGIN_MARKUP, expect_margin_price, { 4.25, 0.60 } },
  { "If it costs $80 and I apply a 35% markup, what's the price?", WF_INTENT_MARGIN_MARKUP, expect_markup_price, { 80, 0.35 } },
  /* depreciation: cost, salvage, life */
  { "straight-line depreciation on a $50,000 van over 5 years with $5,000 salvage value", WF_INTENT_DEPRECIATION, expect_straight_line, { 50000, 5000, 5 } },
  { "How much does a 12k laptop fleet depreciate per year over 3 years?", WF_INTENT_DEPRECIATION, expect_straight_line, { 12000, 0, 3 } },
  { "declining balance depreciation for equipment costing 90,000 over 10 years", WF_INTENT_DEPRECIATION, expect_declining, { 90000, 0, 10 } },
  /* working capital: revenue, receivables, cogs, inventory, payables */
  { "What's my DSO with $2.4m revenue a year and $300k receivables?", WF_INTENT_WORKING_CAPITAL, expect_working_capital, { 2400000, 300000, 800000, 100000, 90000 } },
  /* It asks for the cash conversion cycle: that comes first (it used to be DSO). */
  { "cash conversion cycle: revenue 1,000,000 a year, 120,000 in receivables, cost of goods 600,000, 80,000 of inventory and 50,000 in payables", WF_INTENT_WORKING_CAPITAL, expect_working_capital_ccc, { 1000000, 120000, 600000, 80000, 50000 } },
  /* inventory: demand, order cost, holding cost, lead days */
  { "What's the economic order quantity for 5,000 units a year, $40 per order and $2.50 to hold each unit?", WF_INTENT_INVENTORY, expect_eoq, { 5000, 40, 2.5, 7 } },
  { "reorder point if we sell 7300 units a year and lead time is 12 days", WF_INTENT_INVENTORY, expect_reorder, { 7300, 50, 2, 12 } },
  /* hiring: salary, headcount, on-costs, recruiting, equipment, months */
  { "What does it really cost to hire 2 developers at $85,000 salary?", WF_INTENT_HIRING_COST, expect_hiring, { 85000, 2, 0.25, 5000, 2000, 12 } },
  { "cost of hiring a new employee on 45k with 30% on-costs", WF_INTENT_HIRING_COST, expect_hiring, { 45000, 1, 0.30, 5000, 2000, 12 } },
  { "If I hire 3 staff at $4,000 a month each for 18 months, what's the total cost?", WF_INTENT_HIRING_COST, expect_hiring, { 48000, 3, 0.25, 5000, 2000, 18 } },
  /* savings: initial, deposit, rate, years */
  { "If I save $500 a month at 5% for 10 years, how much will I have?", WF_INTENT_SAVINGS_GROWTH, expect_savings, { 0, 500, 0.05, 10 } },
  { "I have $20,000 in savings and put away $300 a month at 6% for 15 years: how much will I have?", WF_INTENT_SAVINGS_GROWTH, expect_savings, { 20000, 300, 0.06, 15 } },
  { "retirement: save 1,000 per month for 25 years at 7% compound interest", WF_INTENT_SAVINGS_GROWTH, expect_savings, { 0, 1000, 0.07, 25 } },
  { "how much will my emergency fund be if I save 250 a month for 3 years at 4.5%", WF_INTENT_SAVINGS_GROWTH, expect_savings, { 0, 250, 0.045, 3 } },

  /* Reported as wrong, and their kin. An investment with a cost of capital is
   * NPV/IRR, not a clarification. */
  { "Should I buy a $60,000 machine that saves $15,000 a year for 6 years if my cost of capital is 8%?", WF_INTENT_NPV_IRR, expect_npv, { 60000, 15000, 6, 0.08, 0 } },
  { "we're thinking of buying a CNC machine for 85k. it should save about 2k a month in outsourcing. our cost of capital is 10% and it lasts 7 years. is it worth it?", WF_INTENT_NPV_IRR, expect_npv, { 85000, 24000, 7, 0.10, 0 } },
  { "whats the irr on a 80k refit that brings in 25k a year for 5 years", WF_INTENT_NPV_IRR, expect_irr, { 80000, 25000, 5, 0.08, 0 } },
  { "what return do i get if i put 50k into a food truck that makes 14k a year for 5 years", WF_INTENT_NPV_IRR, expect_irr, { 50000, 14000, 5, 0.08, 0 } },
  /* Working-capital days given directly are used, not default balances. */
  { "my customers pay in 45 days, I hold inventory 30 days and pay suppliers in 60, what's my cash conversion cycle?", WF_INTENT_WORKING_CAPITAL, expect_working_capital_days, { 45, 30, 60 } },
  { "we get paid after 60 days, keep 20 days of stock and pay suppliers after 30 days. cash conversion cycle?", WF_INTENT_WORKING_CAPITAL, expect_working_capital_days, { 60, 20, 30 } },
  { "customers take 52 days to pay us on average, and we pay suppliers in 30 days, we hold about 3 weeks of stock. whats our cash conversion cycle", WF_INTENT_WORKING_CAPITAL, expect_working_capital_days, { 52, 21, 30 } },
  { "DSO of 40, DIO of 25 and DPO of 35 - what's the CCC?", WF_INTENT_WORKING_CAPITAL, expect_working_capital_days, { 40, 25, 35 } },
  { "customers pay in 45 days and inventory is 80k with cogs of 600k, payables 50k; what's my cash conversion cycle", WF_INTENT_WORKING_CAPITAL, expect_working_capital_mixed, { 45, 80000, 600000, 50000 } },
  /* A lump sum at a rate for some years: time value. */
  { "What is 10000 worth in 5 years at 6% interest?", WF_INTENT_TIME_VALUE, expect_fv, { 10000, 0.06, 5 } },
  { "how much will 5000 grow to in 10 years at 7%", WF_INTENT_TIME_VALUE, expect_fv, { 5000, 0.07, 10 } },
  { "what's 20k in 3 years worth today at 5% inflation", WF_INTENT_TIME_VALUE, expect_pv, { 20000, 0.05, 3 } },
  { "if I invest 10k at 8% for 20 years how much will I have", WF_INTENT_TIME_VALUE, expect_fv, { 10000, 0.08, 20 } },
  { "how much is 15k today worth in 7 years at 5 percent", WF_INTENT_TIME_VALUE, expect_fv, { 15000, 0.05, 7 } },
  /* The quantity asked for comes first. */
  { "what's the markup if I buy at 40 and sell at 65?", WF_INTENT_MARGIN_MARKUP, expect_markup_measure, { 40, 65 } },
  { "whats the markup on something I buy for 8 and sell for 20", WF_INTENT_MARGIN_MARKUP, expect_markup_measure, { 8, 20 } },
  { "i buy candles wholesale at 6.50 and sell them for 18, what's my profit margin", WF_INTENT_MARGIN_MARKUP, expect_margin_measure, { 6.5, 18 } },
  { "if i want a 55% margin whats the markup", WF_INTENT_MARGIN_MARKUP, expect_markup_for_margin, { 30, 0.55 } },
  { "bank offered me 50k at 9.5% over 7 years, how much interest do i pay in total?", WF_INTENT_LOAN_PAYMENT, expect_loan_interest, { 50000, 0.095, 84 } },
  { "how much will i pay back in total on a 12k loan at 10% for 3 years", WF_INTENT_LOAN_PAYMENT, expect_loan_total, { 12000, 0.10, 36 } },
  { "how much revenue do i need to break even if my fixed costs are 20k a month, price 200 and variable cost 120 per unit", WF_INTENT_BREAK_EVEN, expect_break_even_revenue, { 200, 120, 20000, 0 } },
  { "what does an employee on 50k cost per month with 20% on-costs", WF_INTENT_HIRING_COST, expect_hiring_monthly, { 50000, 1, 0.20 } },
  { "how much interest will i earn if i save 400 a month for 5 years at 4%", WF_INTENT_SAVINGS_GROWTH, expect_savings_earned, { 0, 400, 0.04, 5 } },
  /* Owners' wording: figures without the name of the calculation. */
  { "need 15,000 bucks for a truck, 4 years, 7% apr - monthly?", WF_INTENT_LOAN_PAYMENT, expect_loan, { 15000, 0.07, 48 } },
  { "what's the payment on 250k over 30 years at 6 and a half percent", WF_INTENT_LOAN_PAYMENT, expect_loan, { 250000, 0.065, 360 } },
  { "how many months to clear a \xc2\xa3" "9,000 overdraft at 12% if I put \xc2\xa3" "400/mo towards it", WF_INTENT_LOAN_PAYOFF, expect_payoff, { 9000, 0.12, 400 } },
  { "how long to pay off 4k at 18% paying 50 a week", WF_INTENT_LOAN_PAYOFF, expect_payoff, { 4000, 0.18, 50 * 52.0 / 12 } },
  { "my card charges 1.5% a month, what's that as an annual rate?", WF_INTENT_RATE_CONVERSION, expect_effective, { 0.18 } },
  { "our turnover was 180k in 2021 and 260k this year (3 years later), what's the annual growth rate?", WF_INTENT_GROWTH, expect_cagr, { 180000, 260000, 3 } },
  { "if we grow 20% a year from 300k revenue where will we be in 5 yrs", WF_INTENT_GROWTH, expect_projection, { 300000, 0.20, 5 } },
  { "break even: price 18 per unit, variable cost 7.50, fixed costs 4,400/month", WF_INTENT_BREAK_EVEN, expect_break_even, { 18, 7.5, 4400, 0 } },
  { "we sell a subscription at 49 a month to 600 customers, what if we put the price up 10% and lose 6% of them", WF_INTENT_PRICE_CHANGE, expect_price_change, { 49, 600, 0, 0.10, 0.06 } },
  { "if we raise prices 12% on our 150 dollar service with 400 clients and lose 20 clients, what happens", WF_INTENT_PRICE_CHANGE, expect_price_change, { 150, 400, 0, 0.12, 0.05 } },
  { "we've got 240k in the bank, we spend 30k a month and bring in 12k a month. how many months have we got?", WF_INTENT_CASH_RUNWAY, expect_runway, { 240000, 30000, 12000, 0 } },
  { "solar panels cost \xc2\xa3" "14,000 and cut the electricity bill by \xc2\xa3" "180 a month, when do they pay for themselves?", WF_INTENT_PAYBACK, expect_payback, { 14000, 2160, 0 } },
  { "the new till system is 6k and saves 2 hours a day at 12 an hour... payback?", WF_INTENT_PAYBACK, expect_payback, { 6000, 2 * 12 * 365, 0 } },
  { "I paid 24,000 for a delivery van, it'll last 6 years and be worth 3,000 at the end. how much depreciation per year?", WF_INTENT_DEPRECIATION, expect_straight_line, { 24000, 3000, 6 } },
  { "what's the reorder point if we use 50 units a day and lead time is 2 weeks", WF_INTENT_INVENTORY, expect_reorder, { 50 * 365, 50, 2, 14 } },
  { "if I hire two more staff on 28 grand each, what's the total cost for a year?", WF_INTENT_HIRING_COST, expect_hiring, { 28000, 2, 0.25, 5000, 2000, 12 } },
  { "I have 10k saved and add 250 per month, 7% return, how much in 15 years?", WF_INTENT_SAVINGS_GROWTH, expect_savings, { 10000, 250, 0.07, 15 } },
  /* German and Spanish, as owners there type them: thousands dots, decimal
   * commas, verbs last. The first seven were refused, asked to clarify or
   * needed a model. */
  { "Ich verkaufe Kerzen für 20 €, sie kosten 8 € in der Herstellung, die Fixkosten sind 3.000 € im Monat. Wie viele muss ich verkaufen?", WF_INTENT_BREAK_EVEN, expect_break_even, { 20, 8, 3000, 0 } },
  { "Was passiert mit meinem Gewinn, wenn ich die Preise um 10 % erhöhe und 5 % der Kunden verliere? 300 Kunden zahlen 40 € im Monat.", WF_INTENT_PRICE_CHANGE, expect_price_change, { 40, 300, 0, 0.10, 0.05 } },
  { "Lohnt sich eine Maschine für 50.000 €, die 12.000 € im Jahr spart, über 6 Jahre bei 7 % Kapitalkosten?", WF_INTENT_NPV_IRR, expect_npv, { 50000, 12000, 6, 0.07, 0 } },
  { "¿Cuántos meses me dura la caja si tengo 60.000 € y gasto 10.000 € al mes?", WF_INTENT_CASH_RUNWAY, expect_runway, { 60000, 10000, 0, 0 } },
  { "Vendo velas a 15 €, me cuestan 5 € y tengo 2.000 € de gastos fijos al mes. ¿Cuántas tengo que vender para cubrir costes?", WF_INTENT_BREAK_EVEN, expect_break_even, { 15, 5, 2000, 0 } },
  { "¿Cuál es el margen si compro a 40 y vendo a 65?", WF_INTENT_MARGIN_MARKUP, expect_margin_measure, { 40, 65 } },
  { "Was ist der Aufschlag, wenn ich für 40 einkaufe und für 65 verkaufe?", WF_INTENT_MARGIN_MARKUP, expect_markup_measure, { 40, 65 } },
  { "Wie hoch ist die monatliche Rate für einen Kredit von 25.000 € zu 6 % über 4 Jahre?", WF_INTENT_LOAN_PAYMENT, expect_loan, { 25000, 0.06, 48 } },
  { "Quiero pedir un préstamo de 50 mil euros al 5,5 % de interés durante 7 años. ¿Cuánto pagaré de cuota mensual?", WF_INTENT_LOAN_PAYMENT, expect_loan, { 50000, 0.055, 84 } },
  { "Ich habe 12.000 € Schulden zu 9 % Zinsen und zahle 400 € im Monat. Wann bin ich schuldenfrei?", WF_INTENT_LOAN_PAYOFF, expect_payoff, { 12000, 0.09, 400 } },
  { "¿En cuánto tiempo se paga sola una máquina de 20.000 € que ahorra 6.000 € al año?", WF_INTENT_PAYBACK, expect_payback, { 20000, 6000, 0 } },
  { "Wie hoch ist die lineare Abschreibung für einen Transporter für 50.000 € über 5 Jahre mit 5.000 € Restwert?", WF_INTENT_DEPRECIATION, expect_straight_line, { 50000, 5000, 5 } },
  { "¿Cuánto tendré si ahorro 300 € al mes durante 10 años al 4 %?", WF_INTENT_SAVINGS_GROWTH, expect_savings, { 0, 300, 0.04, 10 } },
  { "La facturación pasó de 200.000 € a 350.000 € en 4 años, ¿cuál es el crecimiento anual?", WF_INTENT_GROWTH, expect_cagr, { 200000, 350000, 4 } },
};

/* ---- running a program ----------------------------------------------------------- */

static GPtrArray *
metrics_from_shim (const char *stdout_text)
{
  GPtrArray *metrics = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_metric_free);
  const char *marker = strstr (stdout_text, "@@WHATIF@@");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *arr;
  guint i;

  g_assert_nonnull (marker);
  json_parser_load_from_data (parser, marker + strlen ("@@WHATIF@@"), -1, &error);
  g_assert_no_error (error);
  arr = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "metrics");
  for (i = 0; i < json_array_get_length (arr); i++)
    {
      JsonObject *m = json_array_get_object_element (arr, i);
      JsonNode *v = json_object_get_member (m, "value");
      JsonNode *u = json_object_get_member (m, "unit");

      g_ptr_array_add (metrics, wf_metric_new (json_object_get_string_member (m, "name"),
                                               JSON_NODE_HOLDS_NULL (v) ? NAN : json_node_get_double (v),
                                               JSON_NODE_HOLDS_NULL (u) ? NULL : json_node_get_string (u)));
    }
  return metrics;
}

static GPtrArray *
run_program (const char *code)
{
  if (sandbox != NULL)
    {
      g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python", code);
      g_autoptr(WfRunResult) result = NULL;
      g_autoptr(GError) error = NULL;
      GPtrArray *metrics;
      guint i;

      /* The firewall is tested on its own (test-firewall); this checks numbers. */
      job->policy = FALSE;
      result = wf_sandbox_run (sandbox, job, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      if (result->status != WF_RUN_STATUS_OK)
        g_error ("template failed in the sandbox (%s): %s\n%s\n---\n%s",
                 wf_run_status_to_string (result->status),
                 result->error_message ? result->error_message : "",
                 result->stderr_text ? result->stderr_text : "", code);
      g_assert_cmpuint (result->tables->len, >=, 1);
      g_assert_cmpuint (result->charts->len, >=, 1);
      g_assert_cmpuint (result->params->len, >=, 1);
      metrics = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_metric_free);
      for (i = 0; i < result->metrics->len; i++)
        g_ptr_array_add (metrics, wf_metric_copy (g_ptr_array_index (result->metrics, i)));
      return metrics;
    }
  else
    {
      g_autofree char *dir = g_dir_make_tmp ("wf-templates-XXXXXX", NULL);
      g_autofree char *file = g_build_filename (dir, "template.py", NULL);
      g_autofree char *driver = g_test_build_filename (G_TEST_DIST, "data", "whatif-shim", "run-template.py", NULL);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr(GError) error = NULL;
      const char *python = g_getenv ("WHATIF_SANDBOX_PYTHON");
      const char *argv[5];
      int status = 0;

      if (python == NULL || *python == '\0')
        python = WF_SANDBOX_PYTHON;
      argv[0] = python;
      argv[1] = "-I";
      argv[2] = driver;
      argv[3] = file;
      argv[4] = NULL;
      g_assert_true (g_file_set_contents (file, code, -1, NULL));
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
      g_assert_no_error (error);
      if (!g_spawn_check_wait_status (status, NULL))
        g_error ("template failed under the shim: %s\n---\n%s", err, code);
      g_unlink (file);
      g_rmdir (dir);
      return metrics_from_shim (out);
    }
}

static const WfMetric *
find_metric (GPtrArray  *metrics,
             const char *name)
{
  guint i;

  for (i = 0; i < metrics->len; i++)
    {
      const WfMetric *m = g_ptr_array_index (metrics, i);
      if (g_strcmp0 (m->name, name) == 0)
        return m;
    }
  return NULL;
}

static void
assert_close (const char *what,
              double      got,
              double      want)
{
  if (isnan (want))
    {
      g_assert_true (isnan (got));
      return;
    }
  if (!(fabs (got - want) <= 1e-7 * MAX (1.0, fabs (want))))
    g_test_fail_printf ("%s: got %.12g, want %.12g", what, got, want);
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(WfRoute) route = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) metrics = NULL;
  g_autofree char *code = NULL;
  g_autofree char *explanation = NULL;
  Expect expect[MAX_EXPECT];
  const WfMetric *first;
  guint n, i;

  g_test_message ("%s", c->question);
  route = wf_query_route (c->question, NULL, &error);
  g_assert_no_error (error);
  if (route->decision != WF_ROUTE_DECISION_ROUTE || route->intent != c->intent)
    {
      g_test_fail_printf ("routed to %s/%s (%.2f), want route/%s", wf_route_decision_to_string (route->decision),
                          wf_intent_to_string (route->intent), route->confidence, wf_intent_to_string (c->intent));
      return;
    }

  code = wf_templates_render (route->intent, route->params, &explanation, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (code, "import whatif as wf"));
  g_assert_nonnull (strstr (code, "wf.param("));
  g_assert_nonnull (strstr (explanation, "computed with standard formulas"));

  metrics = run_program (code);
  n = c->expect (c->a, expect);
  g_assert_cmpuint (metrics->len, >=, n);

  /* The quantity asked for comes first. */
  first = g_ptr_array_index (metrics, 0);
  if (g_strcmp0 (first->name, expect[0].name) != 0)
    g_test_fail_printf ("first metric is “%s”, want “%s”", first->name, expect[0].name);
  g_assert_cmpstr (first->name, ==, wf_templates_primary_metric (route->intent, route->params));

  for (i = 0; i < n; i++)
    {
      const WfMetric *m = find_metric (metrics, expect[i].name);

      if (m == NULL)
        {
          g_test_fail_printf ("metric “%s” missing", expect[i].name);
          continue;
        }
      assert_close (expect[i].name, m->value, expect[i].value);
    }
}

/* Days given in the question are used as given, and the explanation says so;
 * a measure the question leaves out is a stated default, in days. */
static void
test_working_capital_days (void)
{
  g_autoptr(WfRoute) route = NULL;
  g_autoptr(WfRoute) partial = NULL;
  g_autoptr(GPtrArray) metrics = NULL;
  g_autofree char *code = NULL;
  g_autofree char *explanation = NULL;

  route = wf_query_route ("my customers pay in 45 days, I hold inventory 30 days and pay suppliers in 60, "
                          "what's my cash conversion cycle?", NULL, NULL);
  g_assert_cmpint (route->intent, ==, WF_INTENT_WORKING_CAPITAL);
  code = wf_templates_render (route->intent, route->params, &explanation, NULL);
  g_assert_nonnull (strstr (explanation, "From your question: Days to get paid by customers (DSO) 45; "
                                         "Days stock is held (DIO) 30; Days to pay suppliers (DPO) 60."));
  g_assert_nonnull (strstr (explanation, "No defaults were needed."));
  /* No balances: none were given. */
  g_assert_null (strstr (code, "receivables"));
  g_assert_null (strstr (code, "Inventory\""));
  metrics = run_program (code);
  assert_close ("cycle", find_metric (metrics, "Cash conversion cycle")->value, 15);
  g_clear_pointer (&metrics, g_ptr_array_unref);
  g_clear_pointer (&code, g_free);
  g_clear_pointer (&explanation, g_free);

  partial = wf_query_route ("customers pay in 50 days and we pay suppliers in 30, what's our cash conversion cycle?",
                            NULL, NULL);
  g_assert_cmpint (partial->intent, ==, WF_INTENT_WORKING_CAPITAL);
  code = wf_templates_render (partial->intent, partial->params, &explanation, NULL);
  g_assert_nonnull (strstr (explanation, "From your question: Days to get paid by customers (DSO) 50; "
                                         "Days to pay suppliers (DPO) 30."));
  g_assert_nonnull (strstr (explanation, "Defaults I assumed (change them to match your case): "
                                         "Days stock is held (DIO) 45."));
  metrics = run_program (code);
  g_assert_cmpstr (((WfMetric *) g_ptr_array_index (metrics, 0))->name, ==, "Cash conversion cycle");
  assert_close ("cycle", find_metric (metrics, "Cash conversion cycle")->value, 50 + 45 - 30);
}

/* Customers grow as a count: no currency on the projection. */
static void
test_growth_count (void)
{
  g_autoptr(WfRoute) route = NULL;
  g_autoptr(WfRoute) money = NULL;
  g_autoptr(GPtrArray) metrics = NULL;
  g_autofree char *code = NULL;
  const WfMetric *projected;

  route = wf_query_route ("we have 1,200 customers and grow 5% a month, how many in 2 years", NULL, NULL);
  g_assert_cmpint (route->intent, ==, WF_INTENT_GROWTH);
  g_assert_true (route->params->amount_is_count);
  g_assert_cmpstr (wf_templates_primary_metric (route->intent, route->params), ==, "Projected count");
  code = wf_templates_render (route->intent, route->params, NULL, NULL);
  g_assert_nonnull (strstr (code, "kind=\"count\""));
  metrics = run_program (code);
  projected = g_ptr_array_index (metrics, 0);
  g_assert_cmpstr (projected->name, ==, "Projected count");
  g_assert_cmpstr (projected->unit, ==, "count");
  assert_close ("customers", projected->value, 1200 * pow (1.05, 24));

  money = wf_query_route ("project 80k revenue growing at 25% for 3 years", NULL, NULL);
  g_assert_false (money->params->amount_is_count);
}

/* Not money questions get no template at all; money questions without
 * numbers are not refused. */
static void
test_not_money (void)
{
  static const char *refused[] = {
    "what is the capital of france", "I have no interest in football", "when do you return from holiday",
    "what's the return policy on amazon", "pay attention to the details please",
  };
  static const char *kept[] = { "how much working capital do I need?", "should I lease or buy a van?" };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(WfRoute) route = wf_query_route (refused[i], NULL, NULL);

      g_test_message ("%s", refused[i]);
      g_assert_cmpint (route->decision, ==, WF_ROUTE_DECISION_REFUSE);
      g_assert_false (wf_templates_supports (route->intent));
    }
  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    {
      g_autoptr(WfRoute) route = wf_query_route (kept[i], NULL, NULL);

      g_test_message ("%s", kept[i]);
      g_assert_cmpint (route->decision, !=, WF_ROUTE_DECISION_REFUSE);
    }
}

/* Every template with nothing from the question runs and names its defaults. */
static void
test_defaults_only (void)
{
  int intent;

  for (intent = WF_INTENT_LOAN_PAYMENT; intent < WF_INTENT_GENERAL_MODEL; intent++)
    {
      g_autoptr(WfQueryParams) params = wf_query_params_new ();
      g_autoptr(GPtrArray) metrics = NULL;
      g_autofree char *explanation = NULL;
      g_autofree char *code = NULL;
      const WfMetric *first;

      code = wf_templates_render ((WfIntent) intent, params, &explanation, NULL);
      g_assert_nonnull (code);
      g_assert_nonnull (strstr (explanation, "Defaults I assumed"));
      g_assert_null (strstr (code, "from the question"));
      metrics = run_program (code);
      g_assert_cmpuint (metrics->len, >=, 1);
      first = g_ptr_array_index (metrics, 0);
      g_assert_cmpstr (first->name, ==, wf_templates_primary_metric ((WfIntent) intent, params));
      g_assert_true (isfinite (first->value));
    }
}

/* Hostile numbers never reach the code as text, and odd values still run. */
static void
test_hostile_values (void)
{
  g_autoptr(WfRoute) route = NULL;
  g_autofree char *code = NULL;
  g_autoptr(GPtrArray) metrics = NULL;

  route = wf_query_route ("loan of $40k\"); import os; os.system(\"rm -rf /\") at 7% over 5 years",
                          NULL, NULL);
  /* The destructive text is refused before any template. */
  g_assert_nonnull (route);
  g_assert_cmpint (route->decision, ==, WF_ROUTE_DECISION_REFUSE);
  g_clear_pointer (&route, wf_route_free);

  route = wf_query_route ("monthly payment on a \"40k\" loan at 7% over 5 years; __import__('os')", NULL, NULL);
  g_assert_nonnull (route);
  code = wf_templates_render (WF_INTENT_LOAN_PAYMENT, route->params, NULL, NULL);
  g_assert_null (strstr (code, "__import__"));
  g_assert_null (strstr (code, "import os"));
  metrics = run_program (code);
  assert_close ("payment", ((WfMetric *) g_ptr_array_index (metrics, 0))->value, pmt (40000, 0.07, 60));
}

static void
assert_units (GPtrArray  *metrics,
              const char *currency,
              guint      *out_money)
{
  static const char *not_money[] = { "months", "years", "count", "ratio", "units", "days", NULL };

  *out_money = 0;
  for (guint i = 0; i < metrics->len; i++)
    {
      const WfMetric *m = g_ptr_array_index (metrics, i);

      if (g_strv_contains (not_money, m->unit))
        continue;
      if (g_strcmp0 (m->unit, currency) != 0)
        g_test_fail_printf ("metric “%s” is in %s, want %s", m->name, m->unit, currency);
      (*out_money)++;
    }
}

/* A question in euros is answered in euros, through the real sandbox: the
 * code names the currency once, every money metric reports it. */
static void
test_currency_named (void)
{
  g_autoptr(WfRoute) route = NULL;
  g_autoptr(GPtrArray) metrics = NULL;
  g_autofree char *code = NULL;
  g_autofree char *explanation = NULL;
  guint n_money;

  route = wf_query_route ("can I afford a \xe2\x82\xac" "40k van loan at 7.5% over 5 years?", NULL, NULL);
  g_assert_cmpint (route->intent, ==, WF_INTENT_LOAN_PAYMENT);
  g_assert_cmpstr (route->params->currency, ==, "EUR");
  code = wf_templates_render (route->intent, route->params, &explanation, NULL);
  g_assert_nonnull (strstr (code, "\nCURRENCY = \"EUR\"  # the currency you named\n"));
  g_assert_null (strstr (code, "USD"));
  g_assert_null (strstr (code, "\xe2\x82\xac"));   /* the symbol is the explanation's, not the code's */
  g_assert_nonnull (strstr (explanation, "Loan amount \xe2\x82\xac" "40,000"));
  g_assert_null (strstr (explanation, "$"));

  metrics = run_program (code);
  assert_units (metrics, "EUR", &n_money);
  g_assert_cmpuint (n_money, ==, 3);
  assert_close ("payment", find_metric (metrics, "Monthly payment")->value, pmt (40000, 0.075, 60));
  g_clear_pointer (&metrics, g_ptr_array_unref);
  g_clear_pointer (&code, g_free);
  g_clear_pointer (&explanation, g_free);

  /* German, with the amount in words of the currency. */
  g_clear_pointer (&route, wf_route_free);
  route = wf_query_route ("Kredit von 40.000 Euro zu 5% \xc3\xbc" "ber 10 Jahre, wie hoch ist die monatliche Rate?",
                          NULL, NULL);
  g_assert_cmpint (route->intent, ==, WF_INTENT_LOAN_PAYMENT);
  code = wf_templates_render (route->intent, route->params, NULL, NULL);
  metrics = run_program (code);
  assert_units (metrics, "EUR", &n_money);
  g_assert_cmpuint (n_money, ==, 3);
  assert_close ("payment", find_metric (metrics, "Monthly payment")->value, pmt (40000, 0.05, 120));
}

/* No currency in the question: the default the caller set (here, not the
 * machine's locale), in every template. */
static void
test_currency_default (void)
{
  guint with_money = 0;

  for (int intent = WF_INTENT_LOAN_PAYMENT; intent < WF_INTENT_GENERAL_MODEL; intent++)
    {
      g_autoptr(WfQueryParams) params = wf_query_params_new ();
      g_autoptr(GPtrArray) metrics = NULL;
      g_autofree char *code = NULL;
      g_autofree char *explanation = NULL;
      guint n_money;

      g_strlcpy (params->currency, "CHF", sizeof params->currency);
      params->currency_assumed = TRUE;
      code = wf_templates_render ((WfIntent) intent, params, &explanation, NULL);
      g_assert_nonnull (strstr (code, "\nCURRENCY = \"CHF\"  # your default currency; change it here\n"));
      g_assert_null (strstr (code, "USD"));
      g_assert_null (strstr (explanation, "$"));
      metrics = run_program (code);
      assert_units (metrics, "CHF", &n_money);
      if (n_money > 0)
        with_money++;
    }
  /* All but the ones about rates and days report money. */
  g_assert_cmpuint (with_money, >=, 12);

  /* Money in the explanation: the code after the number where the symbol is letters. */
  {
    g_autoptr(WfQueryParams) params = wf_query_params_new ();
    g_autofree char *explanation = NULL;
    g_autofree char *code = NULL;

    wf_query_params_set (params, WF_SLOT_PRINCIPAL, 40000);
    g_strlcpy (params->currency, "CHF", sizeof params->currency);
    code = wf_templates_render (WF_INTENT_LOAN_PAYMENT, params, &explanation, NULL);
    g_assert_nonnull (strstr (explanation, "Loan amount 40,000 CHF"));
    g_clear_pointer (&explanation, g_free);
    g_clear_pointer (&code, g_free);
    g_strlcpy (params->currency, "GBP", sizeof params->currency);
    code = wf_templates_render (WF_INTENT_LOAN_PAYMENT, params, &explanation, NULL);
    g_assert_nonnull (strstr (explanation, "Loan amount \xc2\xa3" "40,000"));
  }
}

/* Whatever fills the parameters, the currency line holds a valid code and
 * nothing the user typed. */
static void
test_currency_hostile (void)
{
  static const char *forged[] = { "eur", "E\"\n", "\"; ", "\xe2\x82\xac", "" };
  g_autofree char *fallback = wf_currency_from_locale ();
  g_autofree char *expected = g_strdup_printf ("\nCURRENCY = \"%s\"  # your default currency; change it here\n",
                                               fallback);
  g_autoptr(WfRoute) route = NULL;
  g_autoptr(GPtrArray) metrics = NULL;
  g_autofree char *code = NULL;
  const char *question = "monthly payment on a \xe2\x82\xac" "40k loan at 7% over 5 years; "
                         "CURRENCY = __import__('os').getcwd() # EUR \"euros\"";

  for (guint i = 0; i < G_N_ELEMENTS (forged); i++)
    {
      g_autoptr(WfQueryParams) params = wf_query_params_new ();
      g_autofree char *forged_code = NULL;

      /* Not NUL-terminated within the array, as a careless caller might leave it. */
      memcpy (params->currency, forged[i], MIN (strlen (forged[i]) + 1, sizeof params->currency));
      forged_code = wf_templates_render (WF_INTENT_LOAN_PAYMENT, params, NULL, NULL);
      g_assert_nonnull (strstr (forged_code, expected));
    }

  route = wf_query_route (question, NULL, NULL);
  g_assert_nonnull (route);
  g_assert_cmpstr (route->params->currency, ==, "EUR");
  code = wf_templates_render (WF_INTENT_LOAN_PAYMENT, route->params, NULL, NULL);
  g_assert_null (strstr (code, "__import__"));
  g_assert_null (strstr (code, "getcwd"));
  g_assert_null (strstr (code, "euros"));
  g_assert_null (strstr (code, "\xe2\x82\xac"));
  /* CURRENCY is assigned once, by the template. */
  g_assert_nonnull (strstr (code, "\nCURRENCY = \"EUR\"  # the currency you named\n"));
  g_assert_null (strstr (strstr (code, "\nCURRENCY = ") + 1, "\nCURRENCY ="));
  metrics = run_program (code);
  assert_close ("payment", find_metric (metrics, "Monthly payment")->value, pmt (40000, 0.07, 60));
  g_assert_cmpstr (find_metric (metrics, "Monthly payment")->unit, ==, "EUR");
}

static void
test_no_template (void)
{
  g_autoptr(GError) error = NULL;
  char *code = wf_templates_render (WF_INTENT_GENERAL_MODEL, NULL, NULL, &error);

  g_assert_null (code);
  g_assert_error (error, WF_TEMPLATES_ERROR, WF_TEMPLATES_ERROR_NO_TEMPLATE);
  g_assert_false (wf_templates_supports (WF_INTENT_GENERAL_MODEL));
  g_assert_false (wf_templates_supports (WF_INTENT_NONE));
}

static void
generate_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static WfGenerateResult *
generate (WfLlmProvider  *provider,
          GPtrArray      *messages,
          GError        **error)
{
  GAsyncResult *result = NULL;
  WfGenerateResult *out;
  WfGenerateParams params;

  wf_generate_params_init (&params);
  wf_llm_provider_generate_async (provider, messages, &params, NULL, generate_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  out = wf_llm_provider_generate_finish (provider, result, error);
  g_object_unref (result);
  wf_generate_params_clear (&params);
  return out;
}

/* The offline provider answers with the JSON a remote model would, follow-ups
 * included, and runs in the sandbox like any other code. */
static void
test_offline_provider (void)
{
  g_autoptr(WfProviderOffline) offline = wf_provider_offline_new ();
  WfLlmProvider *provider = WF_LLM_PROVIDER (offline);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_chat_message_free);
  g_autoptr(WfGenerateResult) result = NULL;
  g_autoptr(WfGenerateResult) second = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) metrics = NULL;
  g_autoptr(WfQueryParams) in_force = NULL;
  JsonObject *obj;
  WfIntent intent;

  g_assert_cmpstr (wf_llm_provider_get_name (provider), ==, "offline");
  g_assert_true (wf_llm_provider_is_free (provider));
  g_assert_true (wf_llm_provider_is_configured (provider));

  g_ptr_array_add (messages, wf_chat_message_new ("system", "You write Python models."));
  g_ptr_array_add (messages, wf_chat_message_new ("user", "can I afford a 40k van loan at 7.5% over 5 years?"));
  result = generate (provider, messages, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->input_tokens, ==, 0);
  g_assert_cmpint (result->output_tokens, ==, 0);
  g_assert_true (result->has_reported_cost);
  g_assert_cmpfloat (result->reported_cost_usd, ==, 0.0);
  json_parser_load_from_data (parser, result->text, -1, &error);
  g_assert_no_error (error);
  obj = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (obj, "language"), ==, "python");
  g_assert_nonnull (strstr (json_object_get_string_member (obj, "explanation"), "Loan amount $40,000"));
  metrics = run_program (json_object_get_string_member (obj, "code"));
  assert_close ("payment", ((WfMetric *) g_ptr_array_index (metrics, 0))->value, pmt (40000, 0.075, 60));
  g_clear_pointer (&metrics, g_ptr_array_unref);

  in_force = wf_provider_offline_dup_last_params (offline, &intent);
  g_assert_nonnull (in_force);
  g_assert_cmpint (intent, ==, WF_INTENT_LOAN_PAYMENT);

  /* Follow-up, with the history only (no explicit context): replayed. */
  g_ptr_array_add (messages, wf_chat_message_new ("assistant", result->text));
  g_ptr_array_add (messages, wf_chat_message_new ("user", "and over 7 years?"));
  second = generate (provider, messages, &error);
  g_assert_no_error (error);
  json_parser_load_from_data (parser, second->text, -1, &error);
  g_assert_no_error (error);
  obj = json_node_get_object (json_parser_get_root (parser));
  metrics = run_program (json_object_get_string_member (obj, "code"));
  assert_close ("payment over 7 years", ((WfMetric *) g_ptr_array_index (metrics, 0))->value,
                pmt (40000, 0.075, 84));
  g_clear_pointer (&metrics, g_ptr_array_unref);
  g_clear_pointer (&second, wf_generate_result_free);

  /* Follow-up with an explicit context. */
  wf_provider_offline_set_context (offline, WF_INTENT_LOAN_PAYMENT, in_force);
  g_ptr_array_set_size (messages, 1);
  g_ptr_array_add (messages, wf_chat_message_new ("user", "what about 10%?"));
  second = generate (provider, messages, &error);
  g_assert_no_error (error);
  json_parser_load_from_data (parser, second->text, -1, &error);
  g_assert_no_error (error);
  obj = json_node_get_object (json_parser_get_root (parser));
  metrics = run_program (json_object_get_string_member (obj, "code"));
  assert_close ("payment at 10%", ((WfMetric *) g_ptr_array_index (metrics, 0))->value,
                pmt (40000, 0.10, 60));
  g_clear_pointer (&second, wf_generate_result_free);

  /* Nothing fits: NOT_CONFIGURED, with how to add a provider. */
  wf_provider_offline_set_context (offline, WF_INTENT_NONE, NULL);
  g_ptr_array_set_size (messages, 1);
  g_ptr_array_add (messages, wf_chat_message_new ("user", "Forecast my quarterly VAT liability by product line from my invoices"));
  second = generate (provider, messages, &error);
  g_assert_null (second);
  g_assert_error (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_NOT_CONFIGURED);
  g_assert_nonnull (strstr (error->message, "API key"));
  g_assert_nonnull (strstr (error->message, "local"));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  guint i;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* Report every wrong figure of a case, not just the first. */
  g_test_set_nonfatal_assertions ();

  sandbox = wf_sandbox_get_default (NULL, &error);
  if (sandbox == NULL)
    g_printerr ("# bubblewrap sandbox not usable here (%s): running templates with python3 -I "
                "and the test-only whatif shim\n", error->message);
  else
    g_printerr ("# running templates in the real %s sandbox\n", wf_sandbox_get_name (sandbox));

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/templates/question/%02u-%s", i,
                                               wf_intent_to_string (cases[i].intent));
      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/templates/working-capital-days", test_working_capital_days);
  g_test_add_func ("/templates/growth-count", test_growth_count);
  g_test_add_func ("/templates/not-money", test_not_money);
  g_test_add_func ("/templates/defaults-only", test_defaults_only);
  g_test_add_func ("/templates/hostile-values", test_hostile_values);
  g_test_add_func ("/templates/currency-named", test_currency_named);
  g_test_add_func ("/templates/currency-default", test_currency_default);
  g_test_add_func ("/templates/currency-hostile", test_currency_hostile);
  g_test_add_func ("/templates/no-template", test_no_template);
  g_test_add_func ("/templates/offline-provider", test_offline_provider);

  {
    int ret = g_test_run ();
    g_clear_object (&sandbox);
    return ret;
  }
}
