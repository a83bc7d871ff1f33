/* wf-query-clarify.c: the rephrased options a clarify question offers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-query-router"

#include "config.h"

#include "wf-query-router.h"
#include "wf-query-router-private.h"

#include "wf-currency.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

/* ---- clarification ------------------------------------------------------- */

/* V with the sign of CURRENCY, the code the question named ("" for none:
 * "$", as in the examples). */
static char *
fmt_money (double      v,
           const char *currency)
{
  const char *sign = *currency != '\0' && wf_currency_symbol (currency) != NULL ? wf_currency_symbol (currency) : "$";

  if (v >= 1e6 && fmod (v, 1e4) == 0)
    return g_strdup_printf ("%s%.2gm", sign, v / 1e6);
  if (v == floor (v))
    {
      g_autofree char *digits = g_strdup_printf ("%.0f", v);
      GString *out = g_string_new (sign);
      size_t len = strlen (digits);
      size_t i;

      for (i = 0; i < len; i++)
        {
          g_string_append_c (out, digits[i]);
          if ((len - i - 1) % 3 == 0 && i + 1 < len)
            g_string_append_c (out, ',');
        }
      return g_string_free (out, FALSE);
    }
  return g_strdup_printf ("%s%.2f", sign, v);
}

static char *
fmt_percent (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (buf, sizeof buf, "%.4g", v * 100.0);
  return g_strdup_printf ("%s%%", buf);
}

static char *
fmt_period (double months)
{
  if (months >= 12 && fmod (months, 12) == 0)
    return g_strdup_printf (ngettext ("%.0f year", "%.0f years", (gulong) (months / 12)), months / 12);
  return g_strdup_printf (ngettext ("%.0f month", "%.0f months", (gulong) months), months);
}

/* The templates' own defaults, so an option reads like a real question. */
static double
default_money (WfIntent intent)
{
  switch (intent)
    {
    case WF_INTENT_LOAN_PAYMENT:
      return 25000;
    case WF_INTENT_LOAN_PAYOFF:
      return 5000;
    case WF_INTENT_NPV_IRR:
    case WF_INTENT_DEPRECIATION:
      return 50000;
    case WF_INTENT_GROWTH:
    case WF_INTENT_CASH_RUNWAY:
      return 100000;
    case WF_INTENT_PAYBACK:
      return 20000;
    case WF_INTENT_MARGIN_MARKUP:
      return 30;
    case WF_INTENT_HIRING_COST:
      return 60000;
    case WF_INTENT_SAVINGS_GROWTH:
      return 500;
    default:
      return 10000;
    }
}

static double
default_percent (WfIntent intent)
{
  switch (intent)
    {
    case WF_INTENT_LOAN_PAYMENT:
      return 0.07;
    case WF_INTENT_LOAN_PAYOFF:
      return 0.2;
    case WF_INTENT_GROWTH:
    case WF_INTENT_PRICE_CHANGE:
      return 0.1;
    case WF_INTENT_MARGIN_MARKUP:
      return 0.4;
    case WF_INTENT_RATE_CONVERSION:
      return 0.12;
    default:
      return 0.05;
    }
}

/* One complete question per intent, filled with what the user gave. */
static char *
rephrase (WfIntent             intent,
          const WfQueryParams *p)
{
  g_autofree char *m1 = NULL;
  g_autofree char *m2 = NULL;
  g_autofree char *pc = NULL;
  g_autofree char *per = NULL;
  double money = NAN;
  double pct = NAN;
  int i;

  /* The first amount and rate given, whatever role they had. */
  for (i = 0; i < WF_SLOT_LAST; i++)
    {
      gboolean is_pct = i == WF_SLOT_RATE || i == WF_SLOT_GROWTH || i == WF_SLOT_PRICE_CHANGE ||
                        i == WF_SLOT_CUSTOMER_LOSS || i == WF_SLOT_DISCOUNT_RATE ||
                        i == WF_SLOT_MARGIN || i == WF_SLOT_MARKUP || i == WF_SLOT_OVERHEAD_RATE;
      gboolean is_money = !is_pct && i != WF_SLOT_TERM_MONTHS && i != WF_SLOT_UNITS &&
                          i != WF_SLOT_CUSTOMERS && i != WF_SLOT_HEADCOUNT && i != WF_SLOT_LEAD_DAYS &&
                          i != WF_SLOT_DSO_DAYS && i != WF_SLOT_DIO_DAYS && i != WF_SLOT_DPO_DAYS;

      if (isnan (p->values[i]))
        continue;
      if (is_pct && isnan (pct))
        pct = fabs (p->values[i]);
      if (is_money && isnan (money))
        money = p->values[i];
    }
  m1 = fmt_money (isnan (money) ? default_money (intent) : money, p->currency);
  pc = fmt_percent (isnan (pct) ? default_percent (intent) : pct);
  per = fmt_period (isnan (p->values[WF_SLOT_TERM_MONTHS]) ? 60 : p->values[WF_SLOT_TERM_MONTHS]);

  switch (intent)
    {
    case WF_INTENT_LOAN_PAYMENT:
      return g_strdup_printf (_("What is the monthly payment on a %s loan at %s over %s?"), m1, pc, per);
    case WF_INTENT_LOAN_PAYOFF:
      return g_strdup_printf (_("How long will it take to pay off %s at %s interest paying %s a month?"),
                              m1, pc, (m2 = fmt_money (isnan (money) ? 250 : floor (money / 20), p->currency)));
    case WF_INTENT_NPV_IRR:
      return g_strdup_printf (_("What are the NPV and IRR of investing %s that returns %s a year for %s?"),
                              m1, (m2 = fmt_money (floor ((isnan (money) ? 50000 : money) / 4), p->currency)), per);
    case WF_INTENT_TIME_VALUE:
      return g_strdup_printf (_("What is %s received in %s worth today at %s a year?"), m1, per, pc);
    case WF_INTENT_RATE_CONVERSION:
      return g_strdup_printf (_("What effective annual rate is an APR of %s compounded monthly?"), pc);
    case WF_INTENT_GROWTH:
      return g_strdup_printf (_("What will %s become growing %s a year for %s?"), m1, pc, per);
    case WF_INTENT_BREAK_EVEN:
      return g_strdup_printf (_("How many units do I need to sell to break even with %s of fixed costs a month?"), m1);
    case WF_INTENT_PRICE_CHANGE:
      return g_strdup_printf (_("What happens to my profit if I raise prices by %s and lose 5%% of customers?"), pc);
    case WF_INTENT_CASH_RUNWAY:
      return g_strdup_printf (_("How many months of runway do I have with %s in the bank?"), m1);
    case WF_INTENT_PAYBACK:
      return g_strdup_printf (_("How long until a %s investment pays for itself?"), m1);
    case WF_INTENT_MARGIN_MARKUP:
      return g_strdup_printf (_("What price gives a %s margin on a cost of %s?"), pc, m1);
    case WF_INTENT_DEPRECIATION:
      return g_strdup_printf (_("What is the straight-line depreciation of a %s asset over %s?"), m1, per);
    case WF_INTENT_WORKING_CAPITAL:
      return g_strdup (_("What are my DSO, DIO and DPO from my receivables, inventory and payables?"));
    case WF_INTENT_INVENTORY:
      return g_strdup (_("What is my economic order quantity and reorder point?"));
    case WF_INTENT_HIRING_COST:
      return g_strdup_printf (_("What does hiring one person on a %s salary really cost per year?"), m1);
    case WF_INTENT_SAVINGS_GROWTH:
      return g_strdup_printf (_("How much will I have if I save %s a month at %s for %s?"),
                              (m2 = fmt_money (isnan (money) ? 500 : money, p->currency)), pc,
                              (g_free (per), per = fmt_period (isnan (p->values[WF_SLOT_TERM_MONTHS]) ? 120 : p->values[WF_SLOT_TERM_MONTHS])));
    case WF_INTENT_NONE:
    case WF_INTENT_GENERAL_MODEL:
    case WF_INTENT_LAST:
    default:
      return NULL;
    }
}

/* Related questions to offer when only one intent is a candidate. */
static WfIntent
sibling_intent (WfIntent intent)
{
  switch (intent)
    {
    case WF_INTENT_LOAN_PAYMENT:
      return WF_INTENT_LOAN_PAYOFF;
    case WF_INTENT_LOAN_PAYOFF:
      return WF_INTENT_LOAN_PAYMENT;
    case WF_INTENT_NPV_IRR:
      return WF_INTENT_PAYBACK;
    case WF_INTENT_PAYBACK:
      return WF_INTENT_NPV_IRR;
    case WF_INTENT_BREAK_EVEN:
      return WF_INTENT_MARGIN_MARKUP;
    case WF_INTENT_MARGIN_MARKUP:
      return WF_INTENT_BREAK_EVEN;
    case WF_INTENT_PRICE_CHANGE:
      return WF_INTENT_MARGIN_MARKUP;
    case WF_INTENT_CASH_RUNWAY:
      return WF_INTENT_BREAK_EVEN;
    case WF_INTENT_GROWTH:
      return WF_INTENT_SAVINGS_GROWTH;
    case WF_INTENT_SAVINGS_GROWTH:
      return WF_INTENT_GROWTH;
    case WF_INTENT_TIME_VALUE:
      return WF_INTENT_SAVINGS_GROWTH;
    case WF_INTENT_RATE_CONVERSION:
      return WF_INTENT_LOAN_PAYMENT;
    case WF_INTENT_HIRING_COST:
      return WF_INTENT_CASH_RUNWAY;
    case WF_INTENT_DEPRECIATION:
      return WF_INTENT_PAYBACK;
    case WF_INTENT_WORKING_CAPITAL:
      return WF_INTENT_CASH_RUNWAY;
    case WF_INTENT_INVENTORY:
      return WF_INTENT_WORKING_CAPITAL;
    case WF_INTENT_NONE:
    case WF_INTENT_GENERAL_MODEL:
    case WF_INTENT_LAST:
    default:
      return WF_INTENT_LOAN_PAYMENT;
    }
}

GPtrArray *
wf_query_clarify_options (const int            scores[WF_INTENT_LAST],
                          WfIntent             best,
                          const WfQueryParams *params)
{
  GPtrArray *options = g_ptr_array_new_with_free_func (g_free);
  gboolean used[WF_INTENT_LAST] = { FALSE, };
  int round;

  /* Candidates by score, best first, at most four. */
  for (round = 0; round < 4; round++)
    {
      int pick = -1;
      int i;

      for (i = 1; i < WF_INTENT_GENERAL_MODEL; i++)
        if (!used[i] && scores[i] > 0 && (pick < 0 || scores[i] > scores[pick]))
          pick = i;
      if (pick < 0)
        break;
      used[pick] = TRUE;
      g_ptr_array_add (options, rephrase ((WfIntent) pick, params));
    }
  if (best <= WF_INTENT_NONE || best >= WF_INTENT_GENERAL_MODEL)
    best = WF_INTENT_LOAN_PAYMENT;
  if (!used[best])
    {
      used[best] = TRUE;
      g_ptr_array_add (options, rephrase (best, params));
    }
  while (options->len < 2)
    {
      WfIntent sib = sibling_intent (best);
      int i;

      if (used[sib])
        for (i = 1, sib = WF_INTENT_NONE; i < WF_INTENT_GENERAL_MODEL; i++)
          if (!used[i])
            {
              sib = (WfIntent) i;
              break;
            }
      used[sib] = TRUE;
      g_ptr_array_add (options, rephrase (sib, params));
      best = sib;
    }
  return options;
}

/* With no intent word at all, the financial words hint at what to offer. */
void
wf_query_hint_intents (const char *lower,
                       int         scores[WF_INTENT_LAST])
{
  static const struct
  {
    const char *word;
    WfIntent    intents[3];
  } hints[] = {
    { "profit", { WF_INTENT_BREAK_EVEN, WF_INTENT_PRICE_CHANGE, WF_INTENT_MARGIN_MARKUP } },
    { "price", { WF_INTENT_PRICE_CHANGE, WF_INTENT_MARGIN_MARKUP, WF_INTENT_BREAK_EVEN } },
    { "cost", { WF_INTENT_BREAK_EVEN, WF_INTENT_HIRING_COST, WF_INTENT_LOAN_PAYMENT } },
    { "money", { WF_INTENT_CASH_RUNWAY, WF_INTENT_SAVINGS_GROWTH, WF_INTENT_LOAN_PAYMENT } },
    { "cash", { WF_INTENT_CASH_RUNWAY, WF_INTENT_PAYBACK, WF_INTENT_WORKING_CAPITAL } },
    { "invest", { WF_INTENT_NPV_IRR, WF_INTENT_PAYBACK, WF_INTENT_SAVINGS_GROWTH } },
    { "sales", { WF_INTENT_GROWTH, WF_INTENT_BREAK_EVEN, WF_INTENT_PRICE_CHANGE } },
    { "revenue", { WF_INTENT_GROWTH, WF_INTENT_BREAK_EVEN, WF_INTENT_PRICE_CHANGE } },
  };
  guint i, k;

  for (i = 0; i < G_N_ELEMENTS (hints); i++)
    if (strstr (lower, hints[i].word) != NULL)
      for (k = 0; k < 3; k++)
        scores[hints[i].intents[k]] += 3 - (int) k;
}

