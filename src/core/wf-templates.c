/* wf-templates.c: one readable Python model per intent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The programs use only math, pandas and the whatif helpers, so they run in
 * the sandbox exactly as a remote model's code would. Numbers from the question
 * are written with g_ascii_dtostr (locale-independent, round-trips exactly);
 * nothing the user typed is ever copied into the code as text.
 */
#define G_LOG_DOMAIN "wf-templates"

#include "config.h"

#include "wf-templates.h"

#include "wf-currency.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

G_DEFINE_QUARK (wf-templates-error-quark, wf_templates_error)

typedef struct
{
  WfIntent             intent;
  GString             *code;
  GString             *given;
  GString             *defaults;
  const WfQueryParams *p;
  char                 currency[4];     /* always a valid ISO code: it is written into the code */
  gboolean             currency_named;  /* by the question, not a default */
} Tpl;

static void
append_number (GString *s,
               double   v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (v))
    v = 0;
  /* Percentages arrive as decimals: 0.075 * 100 must print 7.5, not 7.499999999999999. */
  if (fabs (v) < 1e12 && fabs (v * 1e9 - nearbyint (v * 1e9)) < 1e-3)
    v = nearbyint (v * 1e9) / 1e9;
  g_string_append (s, g_ascii_dtostr (buf, sizeof buf, v));
}

/* 40000 → "€40,000" / "$40,000" / "40,000 CHF": the symbol in front where
 * it is a sign, else the code after. */
static char *
human_money (double      v,
             const char *currency)
{
  g_autofree char *digits = g_strdup_printf ("%.2f", fabs (v));
  const char *symbol = wf_currency_symbol (currency);
  const char *last = symbol ? g_utf8_find_prev_char (symbol, symbol + strlen (symbol)) : NULL;
  gboolean prefix = last != NULL && !g_unichar_isalpha (g_utf8_get_char (last));
  GString *out = g_string_new (v < 0 ? "-" : "");
  char *dot = strchr (digits, '.');
  size_t len = (size_t) (dot - digits);
  size_t i;

  if (prefix)
    g_string_append (out, symbol);
  for (i = 0; i < len; i++)
    {
      g_string_append_c (out, digits[i]);
      if ((len - i - 1) % 3 == 0 && i + 1 < len)
        g_string_append_c (out, ',');
    }
  if (strcmp (dot, ".00") != 0)
    g_string_append (out, dot);
  if (!prefix)
    g_string_append_printf (out, " %s", currency);
  return g_string_free (out, FALSE);
}

static char *
human_value (double      v,
             const char *kind,
             const char *currency)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (g_strcmp0 (kind, "money") == 0)
    return human_money (v, currency);
  g_ascii_formatd (buf, sizeof buf, "%.6g", v);
  if (g_strcmp0 (kind, "percent") == 0)
    return g_strdup_printf ("%s%%", buf);
  if (g_strcmp0 (kind, "months") == 0)
    return g_strdup_printf (_("%s months"), buf);
  if (g_strcmp0 (kind, "years") == 0)
    return g_strdup_printf (_("%s years"), buf);
  return g_strdup (buf);
}

static double
nice_step (double v)
{
  double s;

  v = fabs (v);
  if (v < 1)
    return 0.01;
  s = pow (10, floor (log10 (v)) - 2);
  return MAX (s, 0.01);
}

/* Declares one assumption. `value` for a percent is a decimal (0.075); the
 * code shows it as 7.5 and divides by 100, which reads naturally. Bounds for
 * percents are in percent. A NAN bound is left out. */
static double
tpl_param (Tpl        *t,
           const char *var,
           const char *label,
           int         slot,
           double      fallback,
           const char *kind,
           double      min,
           double      max,
           double      step)
{
  gboolean from_question = slot >= 0 && slot < WF_SLOT_LAST && wf_query_params_has (t->p, (WfSlot) slot);
  double value = from_question ? wf_query_params_get (t->p, (WfSlot) slot, fallback) : fallback;
  gboolean percent = g_strcmp0 (kind, "percent") == 0;
  double shown;
  g_autofree char *human = NULL;

  if (g_strcmp0 (kind, "years") == 0 && slot == WF_SLOT_TERM_MONTHS && from_question)
    value = value / 12.0;
  if (g_strcmp0 (kind, "count") == 0 || g_strcmp0 (kind, "months") == 0)
    value = MAX (value, 0);
  shown = percent ? value * 100.0 : value;
  if (!isnan (min) && shown < min)
    min = floor (shown);
  if (!isnan (max) && shown > max)
    max = ceil (shown * 2);

  g_string_append_printf (t->code, "# %s: %s\n", label,
                          from_question ? "from the question" : "stated default");
  g_string_append_printf (t->code, "%s = wf.param(\"%s\", ", var, label);
  append_number (t->code, shown);
  g_string_append_printf (t->code, ", kind=\"%s\"", kind);
  if (!isnan (min))
    {
      g_string_append (t->code, ", min=");
      append_number (t->code, min);
    }
  if (!isnan (max))
    {
      g_string_append (t->code, ", max=");
      append_number (t->code, max);
    }
  if (!isnan (step))
    {
      g_string_append (t->code, ", step=");
      append_number (t->code, step);
    }
  g_string_append (t->code, percent ? ") / 100\n" : ")\n");

  human = human_value (shown, kind, t->currency);
  g_string_append_printf (from_question ? t->given : t->defaults, "%s%s %s",
                          (from_question ? t->given : t->defaults)->len > 0 ? "; " : "",
                          label, human);
  return value;
}

static double
money_param (Tpl        *t,
             const char *var,
             const char *label,
             int         slot,
             double      fallback)
{
  double v = wf_query_params_get (t->p, slot < WF_SLOT_LAST && slot >= 0 ? (WfSlot) slot : WF_SLOT_AMOUNT,
                                  fallback);
  double top;

  if (slot < 0)
    v = fallback;
  top = pow (10, ceil (log10 (MAX (fabs (v) * 10, 1000))));
  return tpl_param (t, var, label, slot, fallback, "money", 0, top, nice_step (v));
}

static double
percent_param (Tpl        *t,
               const char *var,
               const char *label,
               int         slot,
               double      fallback,
               double      min,
               double      max)
{
  return tpl_param (t, var, label, slot, fallback, "percent", min, max, 0.25);
}

#define L(s) g_string_append (t->code, s)

static void
header (Tpl        *t,
        const char *title,
        gboolean    need_math)
{
  g_string_append_printf (t->code, "# %s\n", title);
  L ("# Generated by What If's offline templates. Change any assumption below.\n");
  if (need_math)
    L ("import math\n");
  L ("import pandas as pd\n");
  L ("import whatif as wf\n\n");
  /* Validated to three capital letters in wf_templates_render(): never text
   * the user typed, only a code from the table or the settings. */
  g_string_append_printf (t->code, "CURRENCY = \"%s\"  # %s\n\n", t->currency,
                          t->currency_named ? "the currency you named"
                                            : "your default currency; change it here");
}

typedef struct
{
  const char *name;
  const char *args;     /* the Python after the name: "payment, CURRENCY" */
} Metric;

/* The wf.metric() calls: the quantity the question asked for first (as
 * wf_templates_primary_metric() names it), then the others in their usual
 * order. One place decides it, so the answer's first line and the app's
 * headline never disagree. */
static void
emit_metrics (Tpl          *t,
              const Metric *metrics,
              guint         n)
{
  const char *first = wf_templates_primary_metric (t->intent, t->p);
  guint i;

  for (i = 0; i < n; i++)
    if (g_strcmp0 (metrics[i].name, first) == 0)
      g_string_append_printf (t->code, "wf.metric(\"%s\", %s)\n", metrics[i].name, metrics[i].args);
  for (i = 0; i < n; i++)
    if (g_strcmp0 (metrics[i].name, first) != 0)
      g_string_append_printf (t->code, "wf.metric(\"%s\", %s)\n", metrics[i].name, metrics[i].args);
}

/* ---- loan payment -------------------------------------------------------- */

static void
render_loan_payment (Tpl *t)
{
  static const Metric metrics[] = {
    { "Monthly payment", "payment, CURRENCY" },
    { "Total interest", "total_interest, CURRENCY" },
    { "Total paid", "total_paid, CURRENCY" },
  };

  header (t, "Loan payment and amortisation schedule", FALSE);
  money_param (t, "principal", "Loan amount", WF_SLOT_PRINCIPAL, 25000);
  percent_param (t, "annual_rate", "Annual interest rate", WF_SLOT_RATE, 0.07, 0, 40);
  tpl_param (t, "months", "Term", WF_SLOT_TERM_MONTHS, 60, "months", 1, 480, 1);
  L ("\n"
     "r = annual_rate / 12          # monthly rate\n"
     "n = max(1, int(round(months)))  # number of monthly payments\n"
     "if r > 0:\n"
     "    payment = principal * r / (1 - (1 + r) ** -n)\n"
     "else:\n"
     "    payment = principal / n\n"
     "\n"
     "rows = []\n"
     "balance = principal\n"
     "for month in range(1, n + 1):\n"
     "    interest = balance * r\n"
     "    repaid = payment - interest\n"
     "    balance = balance - repaid\n"
     "    rows.append({\"Month\": month, \"Payment\": payment, \"Interest\": interest,\n"
     "                 \"Principal\": repaid, \"Balance\": max(balance, 0.0)})\n"
     "schedule = pd.DataFrame(rows)\n"
     "total_paid = payment * n\n"
     "total_interest = total_paid - principal\n\n");
  emit_metrics (t, metrics, G_N_ELEMENTS (metrics));
  L ("wf.table(\"Amortisation schedule\", schedule)\n"
     "wf.chart(\"line\", \"Loan balance by month\", [str(m) for m in schedule[\"Month\"]],\n"
     "         {\"Balance\": list(schedule[\"Balance\"]),\n"
     "          \"Interest paid\": list(schedule[\"Interest\"].cumsum())})\n");
}

/* ---- loan payoff ---------------------------------------------------------- */

static void
render_loan_payoff (Tpl *t)
{
  static const Metric metrics[] = {
    { "Months to pay off", "months_needed, \"months\"" },
    { "Total interest", "total_interest, CURRENCY" },
    { "Number of payments", "month, \"count\"" },
  };

  header (t, "Time to pay off a loan or card balance", TRUE);
  money_param (t, "balance", "Balance owed", WF_SLOT_PRINCIPAL, 5000);
  percent_param (t, "annual_rate", "Annual interest rate", WF_SLOT_RATE, 0.2, 0, 60);
  money_param (t, "payment", "Monthly payment", WF_SLOT_PAYMENT, 250);
  L ("\n"
     "r = annual_rate / 12  # monthly rate\n"
     "if payment <= balance * r:\n"
     "    # The payment never covers the interest: the balance never falls.\n"
     "    months_needed = math.inf\n"
     "    print(\"The monthly payment does not cover the interest; raise it above\", round(balance * r, 2))\n"
     "elif r > 0:\n"
     "    months_needed = -math.log(1 - r * balance / payment) / math.log(1 + r)\n"
     "else:\n"
     "    months_needed = balance / payment\n"
     "\n"
     "rows = []\n"
     "remaining = balance\n"
     "total_interest = 0.0\n"
     "month = 0\n"
     "while remaining > 1e-9 and month < 1200 and math.isfinite(months_needed):\n"
     "    month += 1\n"
     "    interest = remaining * r\n"
     "    paid = min(payment, remaining + interest)\n"
     "    remaining = remaining + interest - paid\n"
     "    total_interest += interest\n"
     "    rows.append({\"Month\": month, \"Payment\": paid, \"Interest\": interest, \"Balance\": remaining})\n"
     "\n");
  emit_metrics (t, metrics, G_N_ELEMENTS (metrics));
  L ("if rows:\n"
     "    schedule = pd.DataFrame(rows)\n"
     "    wf.table(\"Payoff schedule\", schedule)\n"
     "    wf.chart(\"line\", \"Balance by month\", [str(m) for m in schedule[\"Month\"]],\n"
     "             {\"Balance\": list(schedule[\"Balance\"])})\n");
}

/* ---- NPV and IRR ------------------------------------------------------------ */

static void
render_npv_irr (Tpl *t)
{
  static const Metric metrics[] = {
    { "Net present value", "npv, CURRENCY" },
    { "Internal rate of return", "irr, \"ratio\"" },
    { "Undiscounted profit", "sum(flows), CURRENCY" },
  };

  header (t, "Net present value and internal rate of return of an investment", FALSE);
  money_param (t, "investment", "Up-front investment", WF_SLOT_INVESTMENT, 50000);
  money_param (t, "annual_cash_flow", "Cash flow per year", WF_SLOT_CASH_FLOW, 15000);
  tpl_param (t, "years", "Years", WF_SLOT_TERM_MONTHS, 5, "years", 1, 50, 1);
  percent_param (t, "discount_rate", "Discount rate", WF_SLOT_DISCOUNT_RATE, 0.08, 0, 50);
  money_param (t, "salvage", "Value at the end", WF_SLOT_SALVAGE, 0);
  L ("\n"
     "n = max(1, int(round(years)))\n"
     "flows = [-investment] + [annual_cash_flow] * n\n"
     "flows[-1] += salvage\n"
     "\n"
     "def npv_at(rate):\n"
     "    return sum(cf / (1 + rate) ** year for year, cf in enumerate(flows))\n"
     "\n"
     "npv = npv_at(discount_rate)\n"
     "\n"
     "# IRR: the rate where NPV is zero, found by bisection.\n"
     "low, high = -0.99, 10.0\n"
     "if npv_at(low) * npv_at(high) > 0:\n"
     "    irr = float(\"nan\")  # no sign change: no IRR\n"
     "else:\n"
     "    for _ in range(200):\n"
     "        mid = (low + high) / 2\n"
     "        if npv_at(low) * npv_at(mid) <= 0:\n"
     "            high = mid\n"
     "        else:\n"
     "            low = mid\n"
     "    irr = (low + high) / 2\n"
     "\n"
     "table = pd.DataFrame({\n"
     "    \"Year\": list(range(0, n + 1)),\n"
     "    \"Cash flow\": flows,\n"
     "    \"Discounted\": [cf / (1 + discount_rate) ** y for y, cf in enumerate(flows)],\n"
     "})\n"
     "table[\"Cumulative discounted\"] = table[\"Discounted\"].cumsum()\n\n");
  emit_metrics (t, metrics, G_N_ELEMENTS (metrics));
  L ("wf.table(\"Cash flows\", table)\n"
     "wf.chart(\"bar\", \"Cash flows by year\", [str(y) for y in table[\"Year\"]],\n"
     "         {\"Cash flow\": list(table[\"Cash flow\"]),\n"
     "          \"Cumulative discounted\": list(table[\"Cumulative discounted\"])})\n");
}

/* ---- time value ---------------------------------------------------------------- */

static void
render_time_value (Tpl *t)
{
  static const Metric metrics[] = {
    { "Present value", "present_value, CURRENCY" },
    { "Future value", "future_value, CURRENCY" },
  };
  gboolean annuity = wf_query_params_has (t->p, WF_SLOT_PAYMENT) && !wf_query_params_has (t->p, WF_SLOT_AMOUNT);

  header (t, annuity ? "Present and future value of a series of monthly payments"
                     : "Present and future value of a lump sum", FALSE);
  if (annuity)
    money_param (t, "payment", "Payment per month", WF_SLOT_PAYMENT, 500);
  else
    money_param (t, "amount", "Amount", WF_SLOT_AMOUNT, 10000);
  percent_param (t, "annual_rate", "Annual rate", WF_SLOT_RATE, 0.05, 0, 40);
  tpl_param (t, "years", "Years", WF_SLOT_TERM_MONTHS, 10, "years", 0, 60, 1);
  L ("\n");
  if (annuity)
    L ("r = annual_rate / 12        # monthly rate\n"
       "n = int(round(years * 12))  # number of monthly payments\n"
       "if r > 0:\n"
       "    present_value = payment * (1 - (1 + r) ** -n) / r\n"
       "    future_value = payment * ((1 + r) ** n - 1) / r\n"
       "else:\n"
       "    present_value = payment * n\n"
       "    future_value = payment * n\n"
       "points = list(range(0, n + 1, 12)) or [0]\n"
       "table = pd.DataFrame({\n"
       "    \"Year\": [m // 12 for m in points],\n"
       "    \"Value so far\": [payment * ((1 + r) ** m - 1) / r if r > 0 else payment * m for m in points],\n"
       "})\n");
  else
    L ("growth = (1 + annual_rate) ** years\n"
       "present_value = amount / growth  # what the amount received in `years` is worth today\n"
       "future_value = amount * growth   # what the amount today becomes in `years`\n"
       "table = pd.DataFrame({\n"
       "    \"Year\": list(range(0, int(years) + 1)),\n"
       "    \"Value\": [amount * (1 + annual_rate) ** y for y in range(0, int(years) + 1)],\n"
       "})\n");
  L ("\n");
  emit_metrics (t, metrics, G_N_ELEMENTS (metrics));
  L ("wf.table(\"Value by year\", table)\n"
     "wf.chart(\"line\", \"Value by year\", [str(y) for y in table[\"Year\"]],\n"
     "         {table.columns[1]: list(table[table.columns[1]])})\n");
}

/* ---- rate conversion ------------------------------------------------------------ */

static void
render_rate_conversion (Tpl *t)
{
  gboolean to_apr = g_strcmp0 (t->p->focus, "apr") == 0;

  header (t, "Interest rate conversion", FALSE);
  if (to_apr)
    {
      percent_param (t, "effective_rate", "Effective annual rate", WF_SLOT_RATE, 0.12, 0, 100);
      L ("\n"
         "apr = 12 * ((1 + effective_rate) ** (1 / 12) - 1)  # nominal, compounded monthly\n"
         "monthly_rate = apr / 12\n"
         "wf.metric(\"APR (compounded monthly)\", apr, \"ratio\")\n"
         "wf.metric(\"Monthly rate\", monthly_rate, \"ratio\")\n"
         "nominal = apr\n");
    }
  else
    {
      percent_param (t, "nominal", "APR (nominal annual rate)", WF_SLOT_RATE, 0.12, 0, 100);
      L ("\n"
         "monthly_rate = nominal / 12\n"
         "effective = (1 + monthly_rate) ** 12 - 1  # compounded monthly\n"
         "wf.metric(\"Effective annual rate\", effective, \"ratio\")\n"
         "wf.metric(\"Monthly rate\", monthly_rate, \"ratio\")\n"
         "wf.metric(\"Daily rate\", nominal / 365, \"ratio\")\n");
    }
  L ("\n"
     "frequencies = {\"Yearly\": 1, \"Half-yearly\": 2, \"Quarterly\": 4, \"Monthly\": 12, \"Weekly\": 52, \"Daily\": 365}\n"
     "table = pd.DataFrame({\n"
     "    \"Compounding\": list(frequencies.keys()),\n"
     "    \"Effective annual rate\": [(1 + nominal / m) ** m - 1 for m in frequencies.values()],\n"
     "})\n"
     "wf.table(\"Effective rate by compounding\", table)\n"
     "wf.chart(\"bar\", \"Effective annual rate by compounding\", list(table[\"Compounding\"]),\n"
     "         {\"Effective rate\": list(table[\"Effective annual rate\"])})\n");
}

/* ---- growth ----------------------------------------------------------------------- */

static const char *
growth_mode (const WfQueryParams *p)
{
  if (g_strcmp0 (p->focus, "doubling") == 0)
    return "doubling";
  if (g_strcmp0 (p->focus, "cagr") == 0 ||
      (wf_query_params_has (p, WF_SLOT_TARGET_AMOUNT) && !wf_query_params_has (p, WF_SLOT_GROWTH)))
    return "cagr";
  return "projection";
}

static void
render_growth (Tpl *t)
{
  const char *mode = growth_mode (t->p);

  if (g_strcmp0 (mode, "cagr") == 0)
    {
      header (t, "Compound annual growth rate", FALSE);
      money_param (t, "start_value", "Starting value", WF_SLOT_AMOUNT, 100000);
      money_param (t, "end_value", "Ending value", WF_SLOT_TARGET_AMOUNT, 150000);
      tpl_param (t, "years", "Years", WF_SLOT_TERM_MONTHS, 3, "years", 0.25, 50, 1);
      L ("\n"
         "cagr = (end_value / start_value) ** (1 / years) - 1\n"
         "n = max(1, int(round(years)))\n"
         "table = pd.DataFrame({\n"
         "    \"Year\": list(range(0, n + 1)),\n"
         "    \"Value at a steady rate\": [start_value * (1 + cagr) ** y for y in range(0, n + 1)],\n"
         "})\n"
         "wf.metric(\"Compound annual growth rate\", cagr, \"ratio\")\n"
         "wf.metric(\"Total growth\", end_value / start_value - 1, \"ratio\")\n");
    }
  else if (g_strcmp0 (mode, "doubling") == 0)
    {
      header (t, "Doubling time at a steady growth rate", TRUE);
      percent_param (t, "growth", "Growth per year", WF_SLOT_GROWTH, 0.07, 0.1, 100);
      money_param (t, "start_value", "Starting value", WF_SLOT_AMOUNT, 10000);
      L ("\n"
         "doubling_years = math.log(2) / math.log(1 + growth)\n"
         "n = int(math.ceil(doubling_years))\n"
         "table = pd.DataFrame({\n"
         "    \"Year\": list(range(0, n + 1)),\n"
         "    \"Value\": [start_value * (1 + growth) ** y for y in range(0, n + 1)],\n"
         "})\n"
         "wf.metric(\"Doubling time\", doubling_years, \"years\")\n"
         "wf.metric(\"Rule of 72 estimate\", 72 / (growth * 100), \"years\")\n");
    }
  else
    {
      /* Customers or units grow as counts; anything else is money. */
      gboolean count = t->p->amount_is_count;

      header (t, "Growth projection", FALSE);
      if (count)
        {
          double v = wf_query_params_get (t->p, WF_SLOT_AMOUNT, 1000);

          tpl_param (t, "start_value", "Starting count", WF_SLOT_AMOUNT, 1000, "count", 0,
                     pow (10, ceil (log10 (MAX (fabs (v) * 10, 1000)))), 1);
        }
      else
        money_param (t, "start_value", "Starting value", WF_SLOT_AMOUNT, 100000);
      percent_param (t, "growth", "Growth per year", WF_SLOT_GROWTH, 0.1, -50, 100);
      tpl_param (t, "years", "Years", WF_SLOT_TERM_MONTHS, 5, "years", 1, 50, 1);
      L ("\n"
         "n = max(1, int(round(years)))\n"
         "projected = start_value * (1 + growth) ** years\n"
         "table = pd.DataFrame({\n"
         "    \"Year\": list(range(0, n + 1)),\n");
      if (count)
        L ("    \"Count\": [start_value * (1 + growth) ** y for y in range(0, n + 1)],\n"
           "})\n"
           "wf.metric(\"Projected count\", projected, \"count\")\n"
           "wf.metric(\"Increase\", projected - start_value, \"count\")\n");
      else
        L ("    \"Value\": [start_value * (1 + growth) ** y for y in range(0, n + 1)],\n"
           "})\n"
           "wf.metric(\"Projected value\", projected, CURRENCY)\n"
           "wf.metric(\"Increase\", projected - start_value, CURRENCY)\n");
    }
  L ("wf.table(\"Value by year\", table)\n"
     "wf.chart(\"line\", \"Value by year\", [str(y) for y in table[\"Year\"]],\n"
     "         {table.columns[1]: list(table[table.columns[1]])})\n");
}

/* ---- break-even ----------------------------------------------------------------- */

static void
render_break_even (Tpl *t)
{
  static const Metric metrics[] = {
    { "Break-even units", "units, \"units\"" },
    { "Break-even units (rounded up)", "math.ceil(units) if math.isfinite(units) else units, \"units\"" },
    { "Break-even revenue", "units * price, CURRENCY" },
    { "Contribution per unit", "contribution, CURRENCY" },
    { "Contribution margin ratio", "contribution / price if price else float(\"nan\"), \"ratio\"" },
  };
  gboolean volume = wf_query_params_has (t->p, WF_SLOT_UNITS);

  header (t, "Break-even point", TRUE);
  money_param (t, "price", "Price per unit", WF_SLOT_PRICE, 50);
  money_param (t, "unit_cost", "Variable cost per unit", WF_SLOT_UNIT_COST, 20);
  money_param (t, "fixed_costs", "Fixed costs per month", WF_SLOT_FIXED_COSTS, 10000);
  money_param (t, "target_profit", "Target profit per month", WF_SLOT_TARGET_PROFIT, 0);
  if (volume)
    tpl_param (t, "expected_units", "Expected units per month", WF_SLOT_UNITS, 0, "count", 0, NAN, 1);
  L ("\n"
     "contribution = price - unit_cost  # what each unit adds towards fixed costs\n"
     "if contribution > 0:\n"
     "    units = (fixed_costs + target_profit) / contribution\n"
     "else:\n"
     "    units = math.inf\n"
     "    print(\"Each unit costs at least its price: no volume breaks even.\")\n"
     "\n"
     "\n");
  emit_metrics (t, metrics, G_N_ELEMENTS (metrics));
  if (volume)
    L ("wf.metric(\"Profit at expected volume\", expected_units * contribution - fixed_costs, CURRENCY)\n");
  L ("\n"
     "if math.isfinite(units):\n"
     "    top = max(10, int(math.ceil(units * 2)))\n"
     "    volumes = [round(top * k / 10) for k in range(0, 11)]\n"
     "    table = pd.DataFrame({\n"
     "        \"Units\": volumes,\n"
     "        \"Revenue\": [v * price for v in volumes],\n"
     "        \"Total cost\": [fixed_costs + v * unit_cost for v in volumes],\n"
     "    })\n"
     "    table[\"Profit\"] = table[\"Revenue\"] - table[\"Total cost\"]\n"
     "    wf.table(\"Profit by volume\", table)\n"
     "    wf.chart(\"line\", \"Revenue and cost by volume\", [str(v) for v in table[\"Units\"]],\n"
     "             {\"Revenue\": list(table[\"Revenue\"]),\n"
     "              \"Total cost\": list(table[\"Total cost\"])})\n");
}

/* ---- price change --------------------------------------------------------------- */

static void
render_price_change (Tpl *t)
{
  static const Metric metrics[] = {
    { "Change in profit per month", "profit_after - profit_before, CURRENCY" },
    { "Profit after the change", "profit_after, CURRENCY" },
    { "Profit before the change", "profit_before, CURRENCY" },
    { "Change in revenue per month", "revenue_after - revenue_before, CURRENCY" },
    { "Customer loss that keeps profit unchanged", "max_loss, \"ratio\"" },
  };
  gboolean revenue_only = wf_query_params_has (t->p, WF_SLOT_REVENUE) && !wf_query_params_has (t->p, WF_SLOT_PRICE);

  header (t, "Price change with customer loss", FALSE);
  if (revenue_only)
    {
      double share = NAN;

      if (wf_query_params_has (t->p, WF_SLOT_MARGIN))
        share = 1 - wf_query_params_get (t->p, WF_SLOT_MARGIN, 0);
      money_param (t, "revenue", "Current revenue per month", WF_SLOT_REVENUE, 20000);
      if (!isnan (share))
        {
          L ("# Variable cost share of revenue: from the margin in the question\n");
          L ("variable_share = wf.param(\"Variable cost share of revenue\", ");
          append_number (t->code, share * 100);
          L (", kind=\"percent\", min=0, max=100, step=1) / 100\n");
          g_string_append_printf (t->given, "%s" "Variable cost share %s", t->given->len ? "; " : "",
                                  "from the stated margin");
        }
      else
        percent_param (t, "variable_share", "Variable cost share of revenue", WF_SLOT_LAST, 0, 0, 100);
    }
  else
    {
      money_param (t, "price", "Current price", WF_SLOT_PRICE, 100);
      tpl_param (t, "customers", "Customers", WF_SLOT_CUSTOMERS, 100, "count", 0, NAN, 1);
      money_param (t, "unit_cost", "Variable cost per customer", WF_SLOT_UNIT_COST, 0);
    }
  percent_param (t, "price_change", "Price change", WF_SLOT_PRICE_CHANGE, 0.1, -90, 200);
  percent_param (t, "customer_loss", "Customers lost", WF_SLOT_CUSTOMER_LOSS, 0.05, 0, 100);
  L ("\n");
  if (revenue_only)
    L ("# Revenue scales with price and with the customers kept; variable costs only with customers.\n"
       "price = revenue\n"
       "customers = 1\n"
       "unit_cost = revenue * variable_share\n");
  L ("new_price = price * (1 + price_change)\n"
     "kept = customers * (1 - customer_loss)\n"
     "revenue_before = price * customers\n"
     "revenue_after = new_price * kept\n"
     "profit_before = (price - unit_cost) * customers\n"
     "profit_after = (new_price - unit_cost) * kept\n"
     "if new_price > unit_cost:\n"
     "    max_loss = 1 - (price - unit_cost) / (new_price - unit_cost)  # loss at which profit is unchanged\n"
     "else:\n"
     "    max_loss = float(\"nan\")\n"
     "\n"
     "\n");
  emit_metrics (t, metrics, G_N_ELEMENTS (metrics));
  L ("\n"
     "losses = [k / 100 for k in range(0, 31, 2)]\n"
     "table = pd.DataFrame({\n"
     "    \"Customers lost\": losses,\n"
     "    \"Profit after\": [(new_price - unit_cost) * customers * (1 - x) for x in losses],\n"
     "})\n"
     "table[\"Change in profit\"] = table[\"Profit after\"] - profit_before\n"
     "wf.table(\"Profit by customer loss\", table)\n"
     "wf.chart(\"line\", \"Change in profit by customers lost\", [f\"{x:.0%}\" for x in losses],\n"
     "         {\"Change in profit\": list(table[\"Change in profit\"])})\n");
}

/* ---- cash runway ---------------------------------------------------------------- */

static void
render_cash_runway (Tpl *t)
{
  header (t, "Cash runway", TRUE);
  money_param (t, "cash", "Cash in the bank", WF_SLOT_CASH, 100000);
  money_param (t, "burn", "Spending per month", WF_SLOT_BURN, 15000);
  money_param (t, "revenue", "Revenue per month", WF_SLOT_REVENUE, 0);
  percent_param (t, "burn_growth", "Spending growth per month", WF_SLOT_GROWTH, 0, -20, 50);
  L ("\n"
     "rows = []\n"
     "balance = cash\n"
     "runway = math.inf\n"
     "for month in range(1, 601):\n"
     "    net = burn * (1 + burn_growth) ** (month - 1) - revenue  # net cash out this month\n"
     "    if net > 0 and net >= balance:\n"
     "        runway = month - 1 + balance / net  # the part of this month the cash still covers\n"
     "        rows.append({\"Month\": month, \"Net burn\": net, \"Cash at month end\": balance - net})\n"
     "        break\n"
     "    balance -= net\n"
     "    rows.append({\"Month\": month, \"Net burn\": net, \"Cash at month end\": balance})\n"
     "    if net <= 0 and burn_growth <= 0:\n"
     "        break  # revenue covers spending: the cash never runs out\n"
     "\n"
     "if not math.isfinite(runway):\n"
     "    print(\"Revenue covers spending in this model: the cash does not run out.\")\n"
     "wf.metric(\"Runway\", runway, \"months\")\n"
     "wf.metric(\"Net burn per month now\", burn - revenue, CURRENCY)\n"
     "wf.metric(\"Full months of cash\", math.floor(runway) if math.isfinite(runway) else runway, \"months\")\n"
     "table = pd.DataFrame(rows)\n"
     "wf.table(\"Cash by month\", table)\n"
     "wf.chart(\"line\", \"Cash at the end of each month\", [str(m) for m in table[\"Month\"]],\n"
     "         {\"Cash\": list(table[\"Cash at month end\"])})\n");
}

/* ---- payback ----------------------------------------------------------------------- */

static void
render_payback (Tpl *t)
{
  static const Metric metrics[] = {
    { "Payback period", "payback, \"years\"" },
    { "Payback period in months", "payback * 12, \"months\"" },
    { "Simple payback", "simple_payback, \"years\"" },
  };

  header (t, "Payback period", TRUE);
  money_param (t, "investment", "Up-front cost", WF_SLOT_INVESTMENT, 20000);
  money_param (t, "annual_cash_flow", "Savings or extra profit per year", WF_SLOT_CASH_FLOW, 6000);
  percent_param (t, "growth", "Yearly change in the savings", WF_SLOT_GROWTH, 0, -50, 50);
  L ("\n"
     "simple_payback = investment / annual_cash_flow if annual_cash_flow > 0 else math.inf\n"
     "\n"
     "# Interpolated payback: the cumulative savings year by year, and the part of\n"
     "# the year in which they pass the cost.\n"
     "rows = []\n"
     "cumulative = 0.0\n"
     "payback = math.inf\n"
     "for year in range(1, 101):\n"
     "    flow = annual_cash_flow * (1 + growth) ** (year - 1)\n"
     "    if not math.isfinite(payback) and flow > 0 and cumulative + flow >= investment:\n"
     "        payback = year - 1 + (investment - cumulative) / flow\n"
     "    cumulative += flow\n"
     "    rows.append({\"Year\": year, \"Savings\": flow, \"Cumulative\": cumulative,\n"
     "                 \"Net position\": cumulative - investment})\n"
     "    if math.isfinite(payback) and year >= math.ceil(payback) + 1:\n"
     "        break\n"
     "\n"
     "\n");
  emit_metrics (t, metrics, G_N_ELEMENTS (metrics));
  L ("table = pd.DataFrame(rows)\n"
     "wf.table(\"Cumulative savings\", table)\n"
     "wf.chart(\"bar\", \"Net position by year\", [str(y) for y in table[\"Year\"]],\n"
     "         {\"Net position\": list(table[\"Net position\"])})\n");
}

/* ---- margin and markup ------------------------------------------------------------ */

static const char *
margin_mode (const WfQueryParams *p)
{
  if (wf_query_params_has (p, WF_SLOT_PRICE) && wf_query_params_has (p, WF_SLOT_UNIT_COST))
    return "measure";
  if (wf_query_params_has (p, WF_SLOT_MARKUP))
    return "markup";
  return "margin";
}

static void
render_margin_markup (Tpl *t)
{
  static const Metric measure[] = {
    { "Gross margin", "margin, \"ratio\"" },
    { "Markup", "markup, \"ratio\"" },
  };
  static const Metric from_markup[] = {
    { "Price with markup", "price, CURRENCY" },
    { "Gross margin", "margin, \"ratio\"" },
  };
  static const Metric from_margin[] = {
    { "Price for target margin", "price, CURRENCY" },
    { "Markup", "markup, \"ratio\"" },
  };
  const char *mode = margin_mode (t->p);

  header (t, "Margin and markup pricing", FALSE);
  money_param (t, "unit_cost", "Cost per unit", WF_SLOT_UNIT_COST, 30);
  if (g_strcmp0 (mode, "measure") == 0)
    {
      money_param (t, "price", "Price per unit", WF_SLOT_PRICE, 50);
      L ("\n"
         "profit = price - unit_cost\n"
         "margin = profit / price      # share of the price that is profit\n"
         "markup = profit / unit_cost  # profit as a share of the cost\n");
      emit_metrics (t, measure, G_N_ELEMENTS (measure));
    }
  else if (g_strcmp0 (mode, "markup") == 0)
    {
      percent_param (t, "markup", "Markup on cost", WF_SLOT_MARKUP, 0.5, 0, 500);
      L ("\n"
         "price = unit_cost * (1 + markup)\n"
         "profit = price - unit_cost\n"
         "margin = profit / price\n");
      emit_metrics (t, from_markup, G_N_ELEMENTS (from_markup));
    }
  else
    {
      percent_param (t, "margin", "Target gross margin", WF_SLOT_MARGIN, 0.4, 0, 99);
      L ("\n"
         "price = unit_cost / (1 - margin)  # margin is a share of the price, not the cost\n"
         "profit = price - unit_cost\n"
         "markup = profit / unit_cost\n");
      emit_metrics (t, from_margin, G_N_ELEMENTS (from_margin));
    }
  L ("wf.metric(\"Profit per unit\", profit, CURRENCY)\n"
     "\n"
     "margins = [k / 100 for k in range(10, 80, 5)]\n"
     "table = pd.DataFrame({\n"
     "    \"Gross margin\": margins,\n"
     "    \"Price\": [unit_cost / (1 - m) for m in margins],\n"
     "    \"Markup\": [m / (1 - m) for m in margins],\n"
     "})\n"
     "wf.table(\"Price by margin\", table)\n"
     "wf.chart(\"line\", \"Price needed by gross margin\", [f\"{m:.0%}\" for m in margins],\n"
     "         {\"Price\": list(table[\"Price\"])})\n");
}

/* ---- depreciation ------------------------------------------------------------------- */

static void
render_depreciation (Tpl *t)
{
  static const Metric metrics[] = {
    { "Annual straight-line depreciation", "straight_line, CURRENCY" },
    { "First-year declining-balance depreciation", "first_db, CURRENCY" },
    { "Total depreciation", "cost - salvage, CURRENCY" },
  };
  double life = wf_query_params_get (t->p, WF_SLOT_TERM_MONTHS, 60) / 12.0;

  header (t, "Depreciation: straight-line and declining balance", FALSE);
  money_param (t, "cost", "Asset cost", WF_SLOT_INVESTMENT, 50000);
  money_param (t, "salvage", "Salvage value", WF_SLOT_SALVAGE, 0);
  tpl_param (t, "life", "Useful life", WF_SLOT_TERM_MONTHS, 5, "years", 1, 50, 1);
  percent_param (t, "db_rate", "Declining-balance rate per year", WF_SLOT_RATE,
                 life > 0 ? 2.0 / life : 0.4, 1, 100);
  L ("\n"
     "n = max(1, int(round(life)))\n"
     "straight_line = (cost - salvage) / life\n"
     "rows = []\n"
     "book_sl = cost\n"
     "book_db = cost\n"
     "for year in range(1, n + 1):\n"
     "    dep_sl = min(straight_line, book_sl - salvage)\n"
     "    dep_db = min(book_db * db_rate, book_db - salvage)  # never below salvage\n"
     "    if year == n:\n"
     "        dep_db = book_db - salvage  # the last year writes down to salvage\n"
     "    book_sl -= dep_sl\n"
     "    book_db -= dep_db\n"
     "    rows.append({\"Year\": year, \"Straight-line\": dep_sl, \"Book value (straight-line)\": book_sl,\n"
     "                 \"Declining balance\": dep_db, \"Book value (declining)\": book_db})\n"
     "table = pd.DataFrame(rows)\n"
     "first_db = table[\"Declining balance\"].iloc[0]\n\n");
  emit_metrics (t, metrics, G_N_ELEMENTS (metrics));
  L ("wf.table(\"Depreciation schedule\", table)\n"
     "wf.chart(\"line\", \"Book value by year\", [str(y) for y in table[\"Year\"]],\n"
     "         {\"Straight-line\": list(table[\"Book value (straight-line)\"]),\n"
     "          \"Declining balance\": list(table[\"Book value (declining)\"])})\n");
}

/* ---- working capital ---------------------------------------------------------------- */

static void
render_working_capital (Tpl *t)
{
  static const Metric metrics[] = {
    { "Days sales outstanding", "dso, \"days\"" },
    { "Days inventory outstanding", "dio, \"days\"" },
    { "Days payables outstanding", "dpo, \"days\"" },
    { "Cash conversion cycle", "ccc, \"days\"" },
  };
  const WfQueryParams *p = t->p;
  gboolean any_days = wf_query_params_has (p, WF_SLOT_DSO_DAYS) || wf_query_params_has (p, WF_SLOT_DIO_DAYS) ||
                      wf_query_params_has (p, WF_SLOT_DPO_DAYS);
  /* Each measure as the question gave it: in days ("customers pay in 45
   * days") or from balances ("$300k of receivables"). One it does not give
   * is a stated default, in days when the question speaks in days, else from
   * default balances. */
  gboolean dso_in_days = wf_query_params_has (p, WF_SLOT_DSO_DAYS) ||
                         (any_days && !wf_query_params_has (p, WF_SLOT_RECEIVABLES));
  gboolean dio_in_days = wf_query_params_has (p, WF_SLOT_DIO_DAYS) ||
                         (any_days && !wf_query_params_has (p, WF_SLOT_INVENTORY));
  gboolean dpo_in_days = wf_query_params_has (p, WF_SLOT_DPO_DAYS) ||
                         (any_days && !wf_query_params_has (p, WF_SLOT_PAYABLES));

  header (t, "Working-capital days: DSO, DIO, DPO", FALSE);
  if (dso_in_days)
    tpl_param (t, "dso", "Days to get paid by customers (DSO)", WF_SLOT_DSO_DAYS, 45, "number", 0, 365, 1);
  else
    {
      money_param (t, "revenue", "Revenue per year", WF_SLOT_REVENUE, 1200000);
      money_param (t, "receivables", "Receivables", WF_SLOT_RECEIVABLES, 150000);
    }
  if (!dio_in_days || !dpo_in_days)
    money_param (t, "cogs", "Cost of goods sold per year", WF_SLOT_COGS, 800000);
  if (dio_in_days)
    tpl_param (t, "dio", "Days stock is held (DIO)", WF_SLOT_DIO_DAYS, 45, "number", 0, 365, 1);
  else
    money_param (t, "inventory", "Inventory", WF_SLOT_INVENTORY, 100000);
  if (dpo_in_days)
    tpl_param (t, "dpo", "Days to pay suppliers (DPO)", WF_SLOT_DPO_DAYS, 30, "number", 0, 365, 1);
  else
    money_param (t, "payables", "Payables", WF_SLOT_PAYABLES, 90000);
  L ("\n");
  if (!dso_in_days)
    L ("dso = receivables / revenue * 365  # days to collect from customers\n");
  if (!dio_in_days)
    L ("dio = inventory / cogs * 365       # days stock sits before it sells\n");
  if (!dpo_in_days)
    L ("dpo = payables / cogs * 365        # days taken to pay suppliers\n");
  L ("ccc = dso + dio - dpo              # days cash is tied up\n");
  emit_metrics (t, metrics, G_N_ELEMENTS (metrics));
  L ("table = pd.DataFrame({\"Measure\": [\"DSO\", \"DIO\", \"DPO\", \"Cash conversion cycle\"],\n"
     "                      \"Days\": [dso, dio, dpo, ccc]})\n"
     "wf.table(\"Working-capital days\", table)\n"
     "wf.chart(\"bar\", \"Working-capital days\", list(table[\"Measure\"]),\n"
     "         {\"Days\": list(table[\"Days\"])})\n");
}

/* ---- inventory ---------------------------------------------------------------------- */

static void
render_inventory (Tpl *t)
{
  static const Metric metrics[] = {
    { "Economic order quantity", "eoq, \"units\"" },
    { "Reorder point", "reorder_point, \"units\"" },
    { "Orders per year", "orders_per_year, \"count\"" },
    { "Yearly ordering and holding cost", "annual_cost, CURRENCY" },
  };

  header (t, "Economic order quantity and reorder point", TRUE);
  tpl_param (t, "demand", "Units sold per year", WF_SLOT_UNITS, 12000, "count", 0, NAN, 1);
  money_param (t, "order_cost", "Cost per order", WF_SLOT_ORDER_COST, 50);
  money_param (t, "holding_cost", "Holding cost per unit per year", WF_SLOT_HOLDING_COST, 2);
  tpl_param (t, "lead_days", "Lead time in days", WF_SLOT_LEAD_DAYS, 7, "number", 0, 365, 1);
  tpl_param (t, "safety_stock", "Safety stock", WF_SLOT_LAST, 0, "count", 0, NAN, 1);
  L ("\n"
     "eoq = math.sqrt(2 * demand * order_cost / holding_cost)\n"
     "reorder_point = demand / 365 * lead_days + safety_stock\n"
     "orders_per_year = demand / eoq\n"
     "annual_cost = orders_per_year * order_cost + eoq / 2 * holding_cost\n\n");
  emit_metrics (t, metrics, G_N_ELEMENTS (metrics));
  L ("sizes = [max(1, round(eoq * k / 4)) for k in range(1, 13)]\n"
     "table = pd.DataFrame({\n"
     "    \"Order size\": sizes,\n"
     "    \"Yearly cost\": [demand / q * order_cost + q / 2 * holding_cost for q in sizes],\n"
     "})\n"
     "wf.table(\"Cost by order size\", table)\n"
     "wf.chart(\"line\", \"Yearly cost by order size\", [str(q) for q in sizes],\n"
     "         {\"Yearly cost\": list(table[\"Yearly cost\"])})\n");
}

/* ---- hiring cost -------------------------------------------------------------------- */

static void
render_hiring_cost (Tpl *t)
{
  static const Metric metrics[] = {
    { "Total cost over the period", "total, CURRENCY" },
    { "Monthly cost", "monthly, CURRENCY" },
    { "Fully loaded cost per person per year", "salary * (1 + on_costs), CURRENCY" },
    { "One-off costs", "one_off, CURRENCY" },
  };

  header (t, "The full cost of hiring", FALSE);
  money_param (t, "salary", "Salary per year", WF_SLOT_SALARY, 60000);
  tpl_param (t, "headcount", "People hired", WF_SLOT_HEADCOUNT, 1, "count", 0, 100, 1);
  percent_param (t, "on_costs", "Employer on-costs (taxes, benefits)", WF_SLOT_OVERHEAD_RATE, 0.25, 0, 100);
  money_param (t, "recruiting", "One-off recruiting cost per hire", WF_SLOT_LAST, 5000);
  money_param (t, "equipment", "Equipment and setup per hire", WF_SLOT_LAST, 2000);
  tpl_param (t, "months", "Months to cost", WF_SLOT_TERM_MONTHS, 12, "months", 1, 120, 1);
  L ("\n"
     "monthly = headcount * salary * (1 + on_costs) / 12  # payroll plus on-costs, every month\n"
     "one_off = headcount * (recruiting + equipment)      # paid in the first month\n"
     "total = one_off + monthly * months\n"
     "\n"
     "\n");
  emit_metrics (t, metrics, G_N_ELEMENTS (metrics));
  L ("n = max(1, int(round(months)))\n"
     "table = pd.DataFrame({\n"
     "    \"Month\": list(range(1, n + 1)),\n"
     "    \"Cost\": [monthly + (one_off if m == 1 else 0) for m in range(1, n + 1)],\n"
     "})\n"
     "table[\"Cumulative cost\"] = table[\"Cost\"].cumsum()\n"
     "wf.table(\"Cost by month\", table)\n"
     "wf.chart(\"area\", \"Cumulative cost of the hire\", [str(m) for m in table[\"Month\"]],\n"
     "         {\"Cumulative cost\": list(table[\"Cumulative cost\"])})\n");
}

/* ---- savings growth ----------------------------------------------------------------- */

static void
render_savings_growth (Tpl *t)
{
  static const Metric metrics[] = {
    { "Final balance", "final, CURRENCY" },
    { "Total deposited", "contributed, CURRENCY" },
    { "Growth earned", "final - contributed, CURRENCY" },
  };

  header (t, "Savings growth with monthly deposits", FALSE);
  money_param (t, "initial", "Starting balance", WF_SLOT_AMOUNT, 0);
  money_param (t, "deposit", "Deposit per month", WF_SLOT_DEPOSIT, 500);
  percent_param (t, "annual_rate", "Annual return", WF_SLOT_RATE, 0.05, 0, 30);
  tpl_param (t, "years", "Years", WF_SLOT_TERM_MONTHS, 10, "years", 1, 60, 1);
  L ("\n"
     "r = annual_rate / 12        # compounded monthly\n"
     "n = int(round(years * 12))  # deposits at the end of each month\n"
     "growth = (1 + r) ** n\n"
     "if r > 0:\n"
     "    final = initial * growth + deposit * (growth - 1) / r\n"
     "else:\n"
     "    final = initial + deposit * n\n"
     "contributed = initial + deposit * n\n"
     "\n"
     "\n");
  emit_metrics (t, metrics, G_N_ELEMENTS (metrics));
  L ("\n"
     "rows = []\n"
     "balance = initial\n"
     "for month in range(1, n + 1):\n"
     "    balance = balance * (1 + r) + deposit\n"
     "    if month % 12 == 0 or month == n:\n"
     "        rows.append({\"Month\": month, \"Balance\": balance, \"Deposited\": initial + deposit * month})\n"
     "table = pd.DataFrame(rows)\n"
     "wf.table(\"Balance by year\", table)\n"
     "wf.chart(\"line\", \"Savings balance\", [str(m) for m in table[\"Month\"]],\n"
     "         {\"Balance\": list(table[\"Balance\"]),\n"
     "          \"Deposited\": list(table[\"Deposited\"])})\n");
}

#undef L

/* ---- public ---------------------------------------------------------------------------- */

typedef void (*RenderFunc) (Tpl *t);

static RenderFunc
render_func (WfIntent intent)
{
  switch (intent)
    {
    case WF_INTENT_LOAN_PAYMENT:
      return render_loan_payment;
    case WF_INTENT_LOAN_PAYOFF:
      return render_loan_payoff;
    case WF_INTENT_NPV_IRR:
      return render_npv_irr;
    case WF_INTENT_TIME_VALUE:
      return render_time_value;
    case WF_INTENT_RATE_CONVERSION:
      return render_rate_conversion;
    case WF_INTENT_GROWTH:
      return render_growth;
    case WF_INTENT_BREAK_EVEN:
      return render_break_even;
    case WF_INTENT_PRICE_CHANGE:
      return render_price_change;
    case WF_INTENT_CASH_RUNWAY:
      return render_cash_runway;
    case WF_INTENT_PAYBACK:
      return render_payback;
    case WF_INTENT_MARGIN_MARKUP:
      return render_margin_markup;
    case WF_INTENT_DEPRECIATION:
      return render_depreciation;
    case WF_INTENT_WORKING_CAPITAL:
      return render_working_capital;
    case WF_INTENT_INVENTORY:
      return render_inventory;
    case WF_INTENT_HIRING_COST:
      return render_hiring_cost;
    case WF_INTENT_SAVINGS_GROWTH:
      return render_savings_growth;
    case WF_INTENT_NONE:
    case WF_INTENT_GENERAL_MODEL:
    case WF_INTENT_LAST:
    default:
      return NULL;
    }
}

gboolean
wf_templates_supports (WfIntent intent)
{
  return render_func (intent) != NULL;
}

const char *
wf_templates_primary_metric (WfIntent             intent,
                             const WfQueryParams *params)
{
  const char *focus = params ? params->focus : NULL;

  switch (intent)
    {
    case WF_INTENT_LOAN_PAYMENT:
      if (g_strcmp0 (focus, "total_interest") == 0)
        return "Total interest";
      return g_strcmp0 (focus, "total_paid") == 0 ? "Total paid" : "Monthly payment";
    case WF_INTENT_LOAN_PAYOFF:
      return g_strcmp0 (focus, "total_interest") == 0 ? "Total interest" : "Months to pay off";
    case WF_INTENT_NPV_IRR:
      return g_strcmp0 (focus, "irr") == 0 ? "Internal rate of return" : "Net present value";
    case WF_INTENT_TIME_VALUE:
      return g_strcmp0 (focus, "fv") == 0 ? "Future value" : "Present value";
    case WF_INTENT_RATE_CONVERSION:
      return g_strcmp0 (focus, "apr") == 0 ? "APR (compounded monthly)" : "Effective annual rate";
    case WF_INTENT_GROWTH:
      {
        const char *mode = params ? growth_mode (params) : "projection";

        if (g_strcmp0 (mode, "cagr") == 0)
          return "Compound annual growth rate";
        if (g_strcmp0 (mode, "doubling") == 0)
          return "Doubling time";
        return params && params->amount_is_count ? "Projected count" : "Projected value";
      }
    case WF_INTENT_BREAK_EVEN:
      return g_strcmp0 (focus, "revenue") == 0 ? "Break-even revenue" : "Break-even units";
    case WF_INTENT_PRICE_CHANGE:
      return g_strcmp0 (focus, "max_loss") == 0 ? "Customer loss that keeps profit unchanged"
                                                : "Change in profit per month";
    case WF_INTENT_CASH_RUNWAY:
      return "Runway";
    case WF_INTENT_PAYBACK:
      return g_strcmp0 (focus, "months") == 0 ? "Payback period in months" : "Payback period";
    case WF_INTENT_MARGIN_MARKUP:
      {
        const char *mode = params ? margin_mode (params) : "margin";

        /* Whichever of margin and markup the question asks for; the other
         * (or the price) when it gives one of them. */
        if (g_strcmp0 (mode, "measure") == 0)
          return g_strcmp0 (focus, "markup") == 0 || wf_query_params_has (params, WF_SLOT_MARKUP)
                 ? "Markup" : "Gross margin";
        if (g_strcmp0 (mode, "markup") == 0)
          return g_strcmp0 (focus, "margin") == 0 ? "Gross margin" : "Price with markup";
        return g_strcmp0 (focus, "markup") == 0 ? "Markup" : "Price for target margin";
      }
    case WF_INTENT_DEPRECIATION:
      return g_strcmp0 (focus, "declining") == 0 ? "First-year declining-balance depreciation"
                                                 : "Annual straight-line depreciation";
    case WF_INTENT_WORKING_CAPITAL:
      if (g_strcmp0 (focus, "ccc") == 0)
        return "Cash conversion cycle";
      if (g_strcmp0 (focus, "dio") == 0)
        return "Days inventory outstanding";
      if (g_strcmp0 (focus, "dpo") == 0)
        return "Days payables outstanding";
      return "Days sales outstanding";
    case WF_INTENT_INVENTORY:
      return g_strcmp0 (focus, "reorder") == 0 ? "Reorder point" : "Economic order quantity";
    case WF_INTENT_HIRING_COST:
      if (g_strcmp0 (focus, "monthly") == 0)
        return "Monthly cost";
      return g_strcmp0 (focus, "yearly") == 0 ? "Fully loaded cost per person per year"
                                              : "Total cost over the period";
    case WF_INTENT_SAVINGS_GROWTH:
      return g_strcmp0 (focus, "growth") == 0 ? "Growth earned" : "Final balance";
    case WF_INTENT_NONE:
    case WF_INTENT_GENERAL_MODEL:
    case WF_INTENT_LAST:
    default:
      return NULL;
    }
}

char *
wf_templates_render (WfIntent              intent,
                     const WfQueryParams  *params,
                     char                **out_explanation,
                     GError              **error)
{
  g_autoptr(WfQueryParams) empty = NULL;
  RenderFunc render = render_func (intent);
  Tpl t;
  GString *explanation;
  const char *title;

  if (render == NULL)
    {
      g_set_error_literal (error, WF_TEMPLATES_ERROR, WF_TEMPLATES_ERROR_NO_TEMPLATE,
                           _("No offline template fits this question."));
      return NULL;
    }
  if (params == NULL)
    params = empty = wf_query_params_new ();

  t.intent = intent;
  t.code = g_string_new (NULL);
  t.given = g_string_new (NULL);
  t.defaults = g_string_new (NULL);
  t.p = params;
  /* The currency becomes code: only a valid code gets in, whoever filled
   * the parameters. */
  if (wf_currency_code_is_valid (params->currency))
    {
      memcpy (t.currency, params->currency, sizeof t.currency);
      t.currency_named = !params->currency_assumed;
    }
  else
    {
      g_autofree char *fallback = wf_currency_from_locale ();

      g_strlcpy (t.currency, fallback, sizeof t.currency);
      t.currency_named = FALSE;
    }
  render (&t);

  /* The first comment line of the program is its title. */
  title = t.code->str + 2;
  explanation = g_string_new (NULL);
  g_string_append_len (explanation, title, strchr (title, '\n') - title);
  g_string_append (explanation, _(", computed with standard formulas. "));
  if (t.given->len > 0)
    g_string_append_printf (explanation, _("From your question: %s. "), t.given->str);
  if (t.defaults->len > 0)
    g_string_append_printf (explanation, _("Defaults I assumed (change them to match your case): %s."),
                            t.defaults->str);
  else
    g_string_append (explanation, _("No defaults were needed."));

  if (out_explanation != NULL)
    *out_explanation = g_string_free (explanation, FALSE);
  else
    g_string_free (explanation, TRUE);
  g_string_free (t.given, TRUE);
  g_string_free (t.defaults, TRUE);
  return g_string_free (t.code, FALSE);
}

char *
wf_templates_render_json (WfIntent              intent,
                          const WfQueryParams  *params,
                          GError              **error)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *code = NULL;
  g_autofree char *explanation = NULL;

  code = wf_templates_render (intent, params, &explanation, error);
  if (code == NULL)
    return NULL;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "explanation");
  json_builder_add_string_value (builder, explanation);
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, "python");
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}
