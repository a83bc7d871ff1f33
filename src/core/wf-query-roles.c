/* wf-query-roles.c: the slot each quantity fills, and what the question asks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Roles are decided in two passes: first a generic role from the nearest
 * keyword, then a per-intent mapping, because "costs 20k" is an investment in
 * a payback question and a unit cost in a break-even one.
 */
#define G_LOG_DOMAIN "wf-query-router"

#include "config.h"

#include "wf-query-router.h"
#include "wf-query-router-private.h"

#include <math.h>
#include <string.h>

/* ---- roles --------------------------------------------------------------- */

typedef struct
{
  const char *word;
  WfSlot      slot;
} RoleWord;

static const RoleWord money_before[] = {
  { "borrow", WF_SLOT_PRINCIPAL }, { "loan", WF_SLOT_PRINCIPAL }, { "mortgage", WF_SLOT_PRINCIPAL },
  { "owe", WF_SLOT_PRINCIPAL }, { "debt", WF_SLOT_PRINCIPAL }, { "balance", WF_SLOT_PRINCIPAL },
  { "finance", WF_SLOT_PRINCIPAL }, { "financing", WF_SLOT_PRINCIPAL }, { "credit card", WF_SLOT_PRINCIPAL },
  { "pay off", WF_SLOT_PRINCIPAL }, { "pay down", WF_SLOT_PRINCIPAL }, { "clear", WF_SLOT_PRINCIPAL },
  { "paid off", WF_SLOT_PRINCIPAL },
  { "payment", WF_SLOT_PAYMENT }, { "paying", WF_SLOT_PAYMENT }, { "pay", WF_SLOT_PAYMENT },
  { "payment on", WF_SLOT_PRINCIPAL }, { "payments on", WF_SLOT_PRINCIPAL }, { "repayments on", WF_SLOT_PRINCIPAL },
  { "repayment on", WF_SLOT_PRINCIPAL }, { "payment for", WF_SLOT_PRINCIPAL }, { "payments for", WF_SLOT_PRINCIPAL },
  { "repay", WF_SLOT_PAYMENT },
  { "price", WF_SLOT_PRICE }, { "sell", WF_SLOT_PRICE }, { "charge", WF_SLOT_PRICE },
  { "priced", WF_SLOT_PRICE }, { "ticket", WF_SLOT_PRICE }, { "fee", WF_SLOT_PRICE },
  { "cost", WF_SLOT_UNIT_COST }, { "costs", WF_SLOT_UNIT_COST }, { "costing", WF_SLOT_UNIT_COST },
  { "costs me", WF_SLOT_UNIT_COST }, { "cost me", WF_SLOT_UNIT_COST }, { "costs us", WF_SLOT_UNIT_COST }, { "unit cost", WF_SLOT_UNIT_COST },
  { "variable", WF_SLOT_UNIT_COST }, { "to make", WF_SLOT_UNIT_COST }, { "to produce", WF_SLOT_UNIT_COST },
  { "materials", WF_SLOT_UNIT_COST }, { "buy them", WF_SLOT_UNIT_COST }, { "wholesale", WF_SLOT_UNIT_COST },
  { "fixed", WF_SLOT_FIXED_COSTS }, { "fixed cost", WF_SLOT_FIXED_COSTS }, { "fixed costs", WF_SLOT_FIXED_COSTS }, { "rent", WF_SLOT_FIXED_COSTS },
  { "overhead", WF_SLOT_FIXED_COSTS }, { "overheads", WF_SLOT_FIXED_COSTS },
  { "bank", WF_SLOT_CASH }, { "cash", WF_SLOT_CASH }, { "have", WF_SLOT_CASH }, { "reserves", WF_SLOT_CASH },
  { "burn", WF_SLOT_BURN }, { "burning", WF_SLOT_BURN }, { "spend", WF_SLOT_BURN },
  { "spending", WF_SLOT_BURN }, { "expenses", WF_SLOT_BURN }, { "spends", WF_SLOT_BURN }, { "losing", WF_SLOT_BURN },
  { "outgoings", WF_SLOT_BURN },
  { "revenue", WF_SLOT_REVENUE }, { "sales", WF_SLOT_REVENUE }, { "turnover", WF_SLOT_REVENUE },
  { "income", WF_SLOT_REVENUE }, { "bring in", WF_SLOT_REVENUE }, { "making", WF_SLOT_REVENUE },
  { "salary", WF_SLOT_SALARY }, { "wage", WF_SLOT_SALARY }, { "wages", WF_SLOT_SALARY },
  { "paid", WF_SLOT_SALARY },
  { "invest", WF_SLOT_INVESTMENT }, { "investment", WF_SLOT_INVESTMENT }, { "buy", WF_SLOT_INVESTMENT },
  { "invested", WF_SLOT_INVESTMENT }, { "bought", WF_SLOT_INVESTMENT }, { "paid for", WF_SLOT_INVESTMENT },
  { "buying", WF_SLOT_INVESTMENT }, { "upfront", WF_SLOT_INVESTMENT }, { "up front", WF_SLOT_INVESTMENT },
  { "purchase", WF_SLOT_INVESTMENT }, { "outlay", WF_SLOT_INVESTMENT }, { "spend on", WF_SLOT_INVESTMENT },
  { "save", WF_SLOT_CASH_FLOW }, { "saves", WF_SLOT_CASH_FLOW }, { "saving", WF_SLOT_CASH_FLOW },
  { "earns", WF_SLOT_CASH_FLOW }, { "earning", WF_SLOT_CASH_FLOW }, { "generates", WF_SLOT_CASH_FLOW },
  { "returns", WF_SLOT_CASH_FLOW }, { "returning", WF_SLOT_CASH_FLOW }, { "generate", WF_SLOT_CASH_FLOW },
  { "cash flow", WF_SLOT_CASH_FLOW }, { "earn", WF_SLOT_CASH_FLOW }, { "extra profit", WF_SLOT_CASH_FLOW },
  { "brings in", WF_SLOT_CASH_FLOW }, { "inflow", WF_SLOT_CASH_FLOW },
  { "deposit", WF_SLOT_DEPOSIT }, { "contribute", WF_SLOT_DEPOSIT }, { "put away", WF_SLOT_DEPOSIT },
  { "put aside", WF_SLOT_DEPOSIT }, { "put in", WF_SLOT_DEPOSIT }, { "adding", WF_SLOT_DEPOSIT },
  { "salvage", WF_SLOT_SALVAGE }, { "resale", WF_SLOT_SALVAGE }, { "residual", WF_SLOT_SALVAGE },
  { "scrap", WF_SLOT_SALVAGE }, { "sell it for", WF_SLOT_SALVAGE }, { "worth at the end", WF_SLOT_SALVAGE },
  { "sell it on for", WF_SLOT_SALVAGE }, { "trade it in for", WF_SLOT_SALVAGE },
  { "profit of", WF_SLOT_TARGET_PROFIT }, { "target", WF_SLOT_TARGET_PROFIT },
  { "make a profit", WF_SLOT_TARGET_PROFIT },
  { "receivable", WF_SLOT_RECEIVABLES }, { "receivables", WF_SLOT_RECEIVABLES },
  { "owed to me", WF_SLOT_RECEIVABLES }, { "customers owe", WF_SLOT_RECEIVABLES },
  { "payable", WF_SLOT_PAYABLES }, { "payables", WF_SLOT_PAYABLES }, { "i owe suppliers", WF_SLOT_PAYABLES },
  { "inventory", WF_SLOT_INVENTORY }, { "stock", WF_SLOT_INVENTORY },
  { "cost of goods", WF_SLOT_COGS }, { "cogs", WF_SLOT_COGS },
  { "per order", WF_SLOT_ORDER_COST }, { "order cost", WF_SLOT_ORDER_COST }, { "to order", WF_SLOT_ORDER_COST },
  { "to place an order", WF_SLOT_ORDER_COST },
  { "holding", WF_SLOT_HOLDING_COST }, { "to hold", WF_SLOT_HOLDING_COST }, { "to store", WF_SLOT_HOLDING_COST },
  { "storage", WF_SLOT_HOLDING_COST },
  { "worth", WF_SLOT_AMOUNT }, { "lump sum", WF_SLOT_AMOUNT }, { "from", WF_SLOT_AMOUNT },
  { "to", WF_SLOT_TARGET_AMOUNT },
};

/* Nouns right after an amount ("a 40k van loan", "$8,000 of inventory"). */
static const RoleWord money_after[] = {
  { "loan", WF_SLOT_PRINCIPAL }, { "mortgage", WF_SLOT_PRINCIPAL }, { "debt", WF_SLOT_PRINCIPAL },
  { "balance", WF_SLOT_PRINCIPAL }, { "credit card", WF_SLOT_PRINCIPAL }, { "on my card", WF_SLOT_PRINCIPAL },
  { "on a credit", WF_SLOT_PRINCIPAL }, { "on the card", WF_SLOT_PRINCIPAL },
  { "salary", WF_SLOT_SALARY }, { "in salary", WF_SLOT_SALARY },
  { "in the bank", WF_SLOT_CASH }, { "in cash", WF_SLOT_CASH }, { "of cash", WF_SLOT_CASH },
  { "cash", WF_SLOT_CASH }, { "in savings", WF_SLOT_CASH }, { "left", WF_SLOT_CASH },
  { "in revenue", WF_SLOT_REVENUE }, { "of revenue", WF_SLOT_REVENUE }, { "revenue", WF_SLOT_REVENUE },
  { "in sales", WF_SLOT_REVENUE }, { "sales", WF_SLOT_REVENUE },
  { "in fixed", WF_SLOT_FIXED_COSTS }, { "fixed", WF_SLOT_FIXED_COSTS }, { "of fixed", WF_SLOT_FIXED_COSTS },
  { "rent", WF_SLOT_FIXED_COSTS }, { "in overhead", WF_SLOT_FIXED_COSTS }, { "overhead", WF_SLOT_FIXED_COSTS },
  { "in receivables", WF_SLOT_RECEIVABLES }, { "of receivables", WF_SLOT_RECEIVABLES },
  { "receivables", WF_SLOT_RECEIVABLES },
  { "in payables", WF_SLOT_PAYABLES }, { "of payables", WF_SLOT_PAYABLES }, { "payables", WF_SLOT_PAYABLES },
  { "of inventory", WF_SLOT_INVENTORY }, { "in inventory", WF_SLOT_INVENTORY }, { "inventory", WF_SLOT_INVENTORY },
  { "of stock", WF_SLOT_INVENTORY }, { "in stock", WF_SLOT_INVENTORY },
  { "cost of goods", WF_SLOT_COGS }, { "in cost of goods", WF_SLOT_COGS }, { "cogs", WF_SLOT_COGS },
  { "in cogs", WF_SLOT_COGS },
  { "per order", WF_SLOT_ORDER_COST }, { "an order", WF_SLOT_ORDER_COST }, { "to place", WF_SLOT_ORDER_COST },
  { "to hold", WF_SLOT_HOLDING_COST }, { "to store", WF_SLOT_HOLDING_COST },
  { "salvage", WF_SLOT_SALVAGE }, { "scrap", WF_SLOT_SALVAGE },
  { "profit", WF_SLOT_TARGET_PROFIT }, { "of profit", WF_SLOT_TARGET_PROFIT },
  { "at the end", WF_SLOT_SALVAGE }, { "when i sell it", WF_SLOT_SALVAGE }, { "when we sell it", WF_SLOT_SALVAGE },
  { "resale", WF_SLOT_SALVAGE }, { "residual", WF_SLOT_SALVAGE },
};

static const RoleWord percent_before[] = {
  { "interest", WF_SLOT_RATE }, { "apr", WF_SLOT_RATE }, { "rate", WF_SLOT_RATE }, { "at", WF_SLOT_RATE },
  { "return", WF_SLOT_RATE }, { "returns", WF_SLOT_RATE }, { "yield", WF_SLOT_RATE },
  { "earn", WF_SLOT_RATE }, { "earning", WF_SLOT_RATE }, { "earns", WF_SLOT_RATE },
  { "compound", WF_SLOT_RATE }, { "paying", WF_SLOT_RATE }, { "charges", WF_SLOT_RATE },
  { "discount rate", WF_SLOT_DISCOUNT_RATE }, { "hurdle", WF_SLOT_DISCOUNT_RATE },
  { "cost of capital", WF_SLOT_DISCOUNT_RATE }, { "wacc", WF_SLOT_DISCOUNT_RATE },
  { "discounting", WF_SLOT_DISCOUNT_RATE }, { "discounted at", WF_SLOT_DISCOUNT_RATE },
  { "grow", WF_SLOT_GROWTH }, { "grows", WF_SLOT_GROWTH }, { "growth", WF_SLOT_GROWTH },
  { "growing", WF_SLOT_GROWTH }, { "increase", WF_SLOT_GROWTH }, { "increasing", WF_SLOT_GROWTH },
  { "rise", WF_SLOT_GROWTH }, { "rising", WF_SLOT_GROWTH },
  { "raise", WF_SLOT_PRICE_CHANGE }, { "price", WF_SLOT_PRICE_CHANGE }, { "prices", WF_SLOT_PRICE_CHANGE },
  { "put up", WF_SLOT_PRICE_CHANGE }, { "cut", WF_SLOT_PRICE_CHANGE }, { "lower", WF_SLOT_PRICE_CHANGE },
  { "discount", WF_SLOT_PRICE_CHANGE }, { "reduce", WF_SLOT_PRICE_CHANGE }, { "drop prices", WF_SLOT_PRICE_CHANGE },
  { "lose", WF_SLOT_CUSTOMER_LOSS }, { "losing", WF_SLOT_CUSTOMER_LOSS }, { "loss", WF_SLOT_CUSTOMER_LOSS },
  { "churn", WF_SLOT_CUSTOMER_LOSS }, { "fewer", WF_SLOT_CUSTOMER_LOSS }, { "drop", WF_SLOT_CUSTOMER_LOSS },
  { "leave", WF_SLOT_CUSTOMER_LOSS }, { "volume", WF_SLOT_CUSTOMER_LOSS },
  { "margin", WF_SLOT_MARGIN }, { "markup", WF_SLOT_MARKUP }, { "mark up", WF_SLOT_MARKUP },
  { "mark it up", WF_SLOT_MARKUP }, { "mark-up", WF_SLOT_MARKUP },
  { "on-cost", WF_SLOT_OVERHEAD_RATE }, { "oncost", WF_SLOT_OVERHEAD_RATE },
  { "benefits", WF_SLOT_OVERHEAD_RATE }, { "payroll tax", WF_SLOT_OVERHEAD_RATE },
  { "on top", WF_SLOT_OVERHEAD_RATE },
};

static const RoleWord percent_after[] = {
  { "apr", WF_SLOT_RATE }, { "interest", WF_SLOT_RATE }, { "apy", WF_SLOT_RATE },
  { "return", WF_SLOT_RATE }, { "a year return", WF_SLOT_RATE }, { "annual return", WF_SLOT_RATE },
  { "discount rate", WF_SLOT_DISCOUNT_RATE }, { "hurdle", WF_SLOT_DISCOUNT_RATE },
  { "growth", WF_SLOT_GROWTH }, { "a year growth", WF_SLOT_GROWTH }, { "annual growth", WF_SLOT_GROWTH },
  { "more", WF_SLOT_GROWTH },
  { "of customers", WF_SLOT_CUSTOMER_LOSS }, { "of my customers", WF_SLOT_CUSTOMER_LOSS },
  { "of our customers", WF_SLOT_CUSTOMER_LOSS }, { "of clients", WF_SLOT_CUSTOMER_LOSS },
  { "of sales", WF_SLOT_CUSTOMER_LOSS }, { "of volume", WF_SLOT_CUSTOMER_LOSS },
  { "of them", WF_SLOT_CUSTOMER_LOSS }, { "fewer", WF_SLOT_CUSTOMER_LOSS }, { "churn", WF_SLOT_CUSTOMER_LOSS },
  { "of my subscribers", WF_SLOT_CUSTOMER_LOSS }, { "of subscribers", WF_SLOT_CUSTOMER_LOSS },
  { "margin", WF_SLOT_MARGIN }, { "gross margin", WF_SLOT_MARGIN },
  { "markup", WF_SLOT_MARKUP }, { "mark-up", WF_SLOT_MARKUP },
  { "more customers", WF_SLOT_CUSTOMER_LOSS }, { "more clients", WF_SLOT_CUSTOMER_LOSS },
  { "more sales", WF_SLOT_CUSTOMER_LOSS }, { "more orders", WF_SLOT_CUSTOMER_LOSS },
  { "more subscribers", WF_SLOT_CUSTOMER_LOSS }, { "more volume", WF_SLOT_CUSTOMER_LOSS },
  { "on-costs", WF_SLOT_OVERHEAD_RATE }, { "on top", WF_SLOT_OVERHEAD_RATE },
  { "in benefits", WF_SLOT_OVERHEAD_RATE }, { "overhead", WF_SLOT_OVERHEAD_RATE },
};

/* The nearest keyword in `window` (the one ending last; a longer one wins a tie). */
static int
nearest_role (const char     *window,
              const RoleWord *words,
              guint           n_words,
              int            *out_pos)
{
  int best = -1;
  int best_end = -1;
  size_t best_len = 0;
  guint i;

  for (i = 0; i < n_words; i++)
    {
      const char *hit = window;
      size_t len = strlen (words[i].word);

      while ((hit = strstr (hit, words[i].word)) != NULL)
        {
          int end = (int) (hit - window + len);
          gboolean boundary_before = hit == window || !g_ascii_isalpha (hit[-1]);
          /* Whole words only: "pay" must not match "payback". */
          gboolean boundary_after = !g_ascii_isalpha (hit[len]);

          if (boundary_before && boundary_after && (end > best_end || (end == best_end && len > best_len)))
            {
              best = (int) words[i].slot;
              best_end = end;
              best_len = len;
            }
          hit += 1;
        }
    }
  if (out_pos != NULL)
    *out_pos = best_end;
  return best;
}

/* The first keyword at the very start of `window` (after spaces). */
static int
leading_role (const char     *window,
              const RoleWord *words,
              guint           n_words)
{
  int best = -1;
  size_t best_len = 0;
  const char *w = window;
  guint i;

  /* Not across a clause: in "80k, payables 50k" the 80k is not payables. */
  while (*w != '\0' && !g_ascii_isalnum (*w))
    {
      if (strchr (",;.:?!", *w) != NULL)
        return -1;
      w++;
    }
  /* Skip filler: "a 40k van loan", "$12k credit card balance"; but not a
   * linking word: in "80k with cogs of 600k" the 80k is not the cogs. */
  for (i = 0; i < n_words; i++)
    {
      static const char *links[] = { "with", "and", "but", "or", "plus", "for", "at", "to", "from", "on",
                                     "is", "are", "was", "while", "if", "then", NULL };
      size_t len = strlen (words[i].word);
      const char *candidates[4] = { NULL, };
      const char *next = w;
      guint c;

      candidates[0] = w;
      for (c = 1; c < 3; c++)
        {
          guint k;
          gboolean link = FALSE;

          for (k = 0; links[k] != NULL; k++)
            if (wf_query_starts_word (next, links[k]))
              link = TRUE;
          if (link)
            break;
          while (g_ascii_isalpha (*next) || *next == '-')
            next++;
          next = wf_query_skip_spaces (next);
          candidates[c] = next;
        }
      for (c = 0; candidates[c] != NULL; c++)
        if (strncmp (candidates[c], words[i].word, len) == 0 && !g_ascii_isalpha (candidates[c][len]) &&
            len > best_len)
          {
            best = (int) words[i].slot;
            best_len = len;
          }
    }
  return best;
}

typedef struct
{
  WfQuantity *q;
  int         slot;         /* generic role, or -1 */
} Assigned;


/* ---- per-intent role mapping -------------------------------------------- */

typedef struct
{
  WfSlot from;
  WfSlot to;
} Remap;

static WfSlot
remap_slot (WfIntent intent,
            WfSlot   slot)
{
  static const Remap loan[] = {
    { WF_SLOT_INVESTMENT, WF_SLOT_PRINCIPAL }, { WF_SLOT_UNIT_COST, WF_SLOT_PRINCIPAL },
    { WF_SLOT_AMOUNT, WF_SLOT_PRINCIPAL }, { WF_SLOT_CASH, WF_SLOT_PRINCIPAL },
    { WF_SLOT_CASH_FLOW, WF_SLOT_PAYMENT }, { WF_SLOT_DEPOSIT, WF_SLOT_PAYMENT },
    { WF_SLOT_BURN, WF_SLOT_PAYMENT }, { WF_SLOT_GROWTH, WF_SLOT_RATE },
    { WF_SLOT_TARGET_AMOUNT, WF_SLOT_PRINCIPAL }, { WF_SLOT_PRICE, WF_SLOT_PRINCIPAL },
  };
  static const Remap npv[] = {
    { WF_SLOT_UNIT_COST, WF_SLOT_INVESTMENT }, { WF_SLOT_PRINCIPAL, WF_SLOT_INVESTMENT },
    { WF_SLOT_PRICE, WF_SLOT_INVESTMENT }, { WF_SLOT_AMOUNT, WF_SLOT_INVESTMENT },
    { WF_SLOT_REVENUE, WF_SLOT_CASH_FLOW }, { WF_SLOT_PAYMENT, WF_SLOT_CASH_FLOW },
    { WF_SLOT_DEPOSIT, WF_SLOT_CASH_FLOW }, { WF_SLOT_RATE, WF_SLOT_DISCOUNT_RATE },
    { WF_SLOT_TARGET_AMOUNT, WF_SLOT_CASH_FLOW }, { WF_SLOT_CASH, WF_SLOT_INVESTMENT },
    { WF_SLOT_BURN, WF_SLOT_INVESTMENT }, { WF_SLOT_SALARY, WF_SLOT_INVESTMENT },
    { WF_SLOT_TARGET_PROFIT, WF_SLOT_CASH_FLOW },
  };
  static const Remap payback[] = {
    { WF_SLOT_UNIT_COST, WF_SLOT_INVESTMENT }, { WF_SLOT_PRINCIPAL, WF_SLOT_INVESTMENT },
    { WF_SLOT_PRICE, WF_SLOT_INVESTMENT }, { WF_SLOT_AMOUNT, WF_SLOT_INVESTMENT },
    { WF_SLOT_REVENUE, WF_SLOT_CASH_FLOW }, { WF_SLOT_PAYMENT, WF_SLOT_CASH_FLOW },
    { WF_SLOT_DEPOSIT, WF_SLOT_CASH_FLOW }, { WF_SLOT_RATE, WF_SLOT_GROWTH },
    { WF_SLOT_TARGET_AMOUNT, WF_SLOT_CASH_FLOW }, { WF_SLOT_BURN, WF_SLOT_INVESTMENT },
    { WF_SLOT_CASH, WF_SLOT_INVESTMENT }, { WF_SLOT_SALARY, WF_SLOT_INVESTMENT },
    { WF_SLOT_TARGET_PROFIT, WF_SLOT_CASH_FLOW },
  };
  static const Remap break_even[] = {
    { WF_SLOT_BURN, WF_SLOT_FIXED_COSTS }, { WF_SLOT_PAYMENT, WF_SLOT_FIXED_COSTS },
    { WF_SLOT_INVESTMENT, WF_SLOT_UNIT_COST }, { WF_SLOT_CASH_FLOW, WF_SLOT_TARGET_PROFIT },
    { WF_SLOT_CUSTOMERS, WF_SLOT_UNITS }, { WF_SLOT_SALARY, WF_SLOT_FIXED_COSTS },
  };
  static const Remap price_change[] = {
    { WF_SLOT_UNITS, WF_SLOT_CUSTOMERS }, { WF_SLOT_GROWTH, WF_SLOT_PRICE_CHANGE },
    { WF_SLOT_PAYMENT, WF_SLOT_PRICE }, { WF_SLOT_CASH_FLOW, WF_SLOT_REVENUE },
    { WF_SLOT_AMOUNT, WF_SLOT_REVENUE }, { WF_SLOT_MARGIN, WF_SLOT_MARGIN },
  };
  static const Remap runway[] = {
    { WF_SLOT_FIXED_COSTS, WF_SLOT_BURN }, { WF_SLOT_PAYMENT, WF_SLOT_BURN },
    { WF_SLOT_UNIT_COST, WF_SLOT_BURN }, { WF_SLOT_PRINCIPAL, WF_SLOT_CASH },
    { WF_SLOT_AMOUNT, WF_SLOT_CASH }, { WF_SLOT_INVESTMENT, WF_SLOT_CASH },
    { WF_SLOT_CASH_FLOW, WF_SLOT_REVENUE }, { WF_SLOT_SALARY, WF_SLOT_BURN },
    { WF_SLOT_DEPOSIT, WF_SLOT_CASH }, { WF_SLOT_RATE, WF_SLOT_GROWTH },
  };
  static const Remap margin[] = {
    { WF_SLOT_INVESTMENT, WF_SLOT_UNIT_COST }, { WF_SLOT_PAYMENT, WF_SLOT_UNIT_COST },
    { WF_SLOT_RATE, WF_SLOT_MARGIN }, { WF_SLOT_PRICE_CHANGE, WF_SLOT_MARKUP },
  };
  static const Remap growth[] = {
    { WF_SLOT_REVENUE, WF_SLOT_AMOUNT }, { WF_SLOT_CASH, WF_SLOT_AMOUNT },
    { WF_SLOT_INVESTMENT, WF_SLOT_AMOUNT }, { WF_SLOT_CUSTOMERS, WF_SLOT_AMOUNT },
    { WF_SLOT_UNITS, WF_SLOT_AMOUNT }, { WF_SLOT_RATE, WF_SLOT_GROWTH },
    { WF_SLOT_PRINCIPAL, WF_SLOT_AMOUNT }, { WF_SLOT_PRICE_CHANGE, WF_SLOT_GROWTH },
  };
  static const Remap savings[] = {
    { WF_SLOT_CASH_FLOW, WF_SLOT_DEPOSIT }, { WF_SLOT_PAYMENT, WF_SLOT_DEPOSIT },
    { WF_SLOT_CASH, WF_SLOT_AMOUNT }, { WF_SLOT_PRINCIPAL, WF_SLOT_AMOUNT },
    { WF_SLOT_INVESTMENT, WF_SLOT_AMOUNT }, { WF_SLOT_GROWTH, WF_SLOT_RATE },
    { WF_SLOT_REVENUE, WF_SLOT_DEPOSIT }, { WF_SLOT_BURN, WF_SLOT_DEPOSIT },
    { WF_SLOT_DISCOUNT_RATE, WF_SLOT_RATE },
  };
  static const Remap time_value[] = {
    { WF_SLOT_CASH, WF_SLOT_AMOUNT }, { WF_SLOT_PRINCIPAL, WF_SLOT_AMOUNT },
    { WF_SLOT_INVESTMENT, WF_SLOT_AMOUNT }, { WF_SLOT_CASH_FLOW, WF_SLOT_PAYMENT },
    { WF_SLOT_DEPOSIT, WF_SLOT_PAYMENT }, { WF_SLOT_DISCOUNT_RATE, WF_SLOT_RATE },
    { WF_SLOT_GROWTH, WF_SLOT_RATE }, { WF_SLOT_TARGET_AMOUNT, WF_SLOT_AMOUNT },
    { WF_SLOT_REVENUE, WF_SLOT_PAYMENT },
  };
  static const Remap rate[] = {
    { WF_SLOT_DISCOUNT_RATE, WF_SLOT_RATE }, { WF_SLOT_GROWTH, WF_SLOT_RATE },
  };
  static const Remap hiring[] = {
    { WF_SLOT_PAYMENT, WF_SLOT_SALARY }, { WF_SLOT_UNIT_COST, WF_SLOT_SALARY },
    { WF_SLOT_PRICE, WF_SLOT_SALARY }, { WF_SLOT_CUSTOMERS, WF_SLOT_HEADCOUNT },
    { WF_SLOT_UNITS, WF_SLOT_HEADCOUNT }, { WF_SLOT_RATE, WF_SLOT_OVERHEAD_RATE },
    { WF_SLOT_GROWTH, WF_SLOT_OVERHEAD_RATE }, { WF_SLOT_BURN, WF_SLOT_SALARY },
    { WF_SLOT_CASH_FLOW, WF_SLOT_SALARY },
  };
  static const Remap depreciation[] = {
    { WF_SLOT_UNIT_COST, WF_SLOT_INVESTMENT }, { WF_SLOT_PRINCIPAL, WF_SLOT_INVESTMENT },
    { WF_SLOT_PRICE, WF_SLOT_INVESTMENT }, { WF_SLOT_AMOUNT, WF_SLOT_INVESTMENT },
    { WF_SLOT_TARGET_AMOUNT, WF_SLOT_SALVAGE }, { WF_SLOT_BURN, WF_SLOT_INVESTMENT },
    { WF_SLOT_SALARY, WF_SLOT_INVESTMENT },
  };
  static const Remap working[] = {
    { WF_SLOT_UNIT_COST, WF_SLOT_COGS }, { WF_SLOT_PRINCIPAL, WF_SLOT_RECEIVABLES },
  };
  static const Remap inventory[] = {
    { WF_SLOT_CUSTOMERS, WF_SLOT_UNITS }, { WF_SLOT_UNIT_COST, WF_SLOT_ORDER_COST },
    { WF_SLOT_PRICE, WF_SLOT_ORDER_COST },
  };
  const Remap *table = NULL;
  guint n = 0;
  guint i;

#define USE(t) G_STMT_START { table = t; n = G_N_ELEMENTS (t); } G_STMT_END
  switch (intent)
    {
    case WF_INTENT_LOAN_PAYMENT:
    case WF_INTENT_LOAN_PAYOFF:
      USE (loan);
      break;
    case WF_INTENT_NPV_IRR:
      USE (npv);
      break;
    case WF_INTENT_PAYBACK:
      USE (payback);
      break;
    case WF_INTENT_BREAK_EVEN:
      USE (break_even);
      break;
    case WF_INTENT_PRICE_CHANGE:
      USE (price_change);
      break;
    case WF_INTENT_CASH_RUNWAY:
      USE (runway);
      break;
    case WF_INTENT_MARGIN_MARKUP:
      USE (margin);
      break;
    case WF_INTENT_GROWTH:
      USE (growth);
      break;
    case WF_INTENT_SAVINGS_GROWTH:
      USE (savings);
      break;
    case WF_INTENT_TIME_VALUE:
      USE (time_value);
      break;
    case WF_INTENT_RATE_CONVERSION:
      USE (rate);
      break;
    case WF_INTENT_HIRING_COST:
      USE (hiring);
      break;
    case WF_INTENT_DEPRECIATION:
      USE (depreciation);
      break;
    case WF_INTENT_WORKING_CAPITAL:
      USE (working);
      break;
    case WF_INTENT_INVENTORY:
      USE (inventory);
      break;
    case WF_INTENT_NONE:
    case WF_INTENT_GENERAL_MODEL:
    case WF_INTENT_LAST:
    default:
      break;
    }
#undef USE
  for (i = 0; i < n; i++)
    if (table[i].from == slot)
      return table[i].to;
  return slot;
}

/* Slots that take an amount whose role the wording did not tell, in order. */
static const WfSlot *
fill_order (WfIntent      intent,
            WfQueryKind   kind,
            const WfQuantity *q)
{
  static const WfSlot none[] = { WF_SLOT_LAST };
  static const WfSlot loan_money[] = { WF_SLOT_PRINCIPAL, WF_SLOT_PAYMENT, WF_SLOT_LAST };
  static const WfSlot loan_monthly[] = { WF_SLOT_PAYMENT, WF_SLOT_PRINCIPAL, WF_SLOT_LAST };
  static const WfSlot rate_pct[] = { WF_SLOT_RATE, WF_SLOT_LAST };
  static const WfSlot npv_money[] = { WF_SLOT_INVESTMENT, WF_SLOT_CASH_FLOW, WF_SLOT_SALVAGE, WF_SLOT_LAST };
  static const WfSlot npv_pct[] = { WF_SLOT_DISCOUNT_RATE, WF_SLOT_GROWTH, WF_SLOT_LAST };
  static const WfSlot payback_pct[] = { WF_SLOT_GROWTH, WF_SLOT_LAST };
  static const WfSlot be_money[] = { WF_SLOT_PRICE, WF_SLOT_UNIT_COST, WF_SLOT_FIXED_COSTS, WF_SLOT_LAST };
  static const WfSlot be_units[] = { WF_SLOT_UNITS, WF_SLOT_LAST };
  static const WfSlot pc_money[] = { WF_SLOT_PRICE, WF_SLOT_UNIT_COST, WF_SLOT_LAST };
  static const WfSlot pc_pct[] = { WF_SLOT_PRICE_CHANGE, WF_SLOT_CUSTOMER_LOSS, WF_SLOT_LAST };
  static const WfSlot pc_count[] = { WF_SLOT_CUSTOMERS, WF_SLOT_LAST };
  static const WfSlot runway_money[] = { WF_SLOT_CASH, WF_SLOT_BURN, WF_SLOT_REVENUE, WF_SLOT_LAST };
  static const WfSlot runway_monthly[] = { WF_SLOT_BURN, WF_SLOT_REVENUE, WF_SLOT_CASH, WF_SLOT_LAST };
  static const WfSlot growth_pct[] = { WF_SLOT_GROWTH, WF_SLOT_LAST };
  static const WfSlot margin_money[] = { WF_SLOT_UNIT_COST, WF_SLOT_PRICE, WF_SLOT_LAST };
  static const WfSlot margin_pct[] = { WF_SLOT_MARGIN, WF_SLOT_LAST };
  static const WfSlot growth_money[] = { WF_SLOT_AMOUNT, WF_SLOT_TARGET_AMOUNT, WF_SLOT_LAST };
  static const WfSlot savings_money[] = { WF_SLOT_AMOUNT, WF_SLOT_DEPOSIT, WF_SLOT_LAST };
  static const WfSlot savings_monthly[] = { WF_SLOT_DEPOSIT, WF_SLOT_AMOUNT, WF_SLOT_LAST };
  static const WfSlot tv_money[] = { WF_SLOT_AMOUNT, WF_SLOT_LAST };
  static const WfSlot tv_periodic[] = { WF_SLOT_PAYMENT, WF_SLOT_AMOUNT, WF_SLOT_LAST };
  static const WfSlot hiring_money[] = { WF_SLOT_SALARY, WF_SLOT_LAST };
  static const WfSlot hiring_count[] = { WF_SLOT_HEADCOUNT, WF_SLOT_LAST };
  static const WfSlot hiring_pct[] = { WF_SLOT_OVERHEAD_RATE, WF_SLOT_LAST };
  static const WfSlot dep_money[] = { WF_SLOT_INVESTMENT, WF_SLOT_SALVAGE, WF_SLOT_LAST };
  static const WfSlot wc_money[] = { WF_SLOT_REVENUE, WF_SLOT_RECEIVABLES, WF_SLOT_COGS,
                                     WF_SLOT_INVENTORY, WF_SLOT_PAYABLES, WF_SLOT_LAST };
  static const WfSlot wc_days[] = { WF_SLOT_DSO_DAYS, WF_SLOT_DIO_DAYS, WF_SLOT_DPO_DAYS, WF_SLOT_LAST };
  static const WfSlot inv_money[] = { WF_SLOT_ORDER_COST, WF_SLOT_HOLDING_COST, WF_SLOT_LAST };
  static const WfSlot inv_units[] = { WF_SLOT_UNITS, WF_SLOT_LAST };
  gboolean monthly = q->per_month || q->per_week;

  switch (intent)
    {
    case WF_INTENT_LOAN_PAYMENT:
    case WF_INTENT_LOAN_PAYOFF:
      if (kind == WF_QUERY_KIND_MONEY || kind == WF_QUERY_KIND_NUMBER)
        return monthly ? loan_monthly : (kind == WF_QUERY_KIND_MONEY ? loan_money : none);
      return kind == WF_QUERY_KIND_PERCENT ? rate_pct : none;
    case WF_INTENT_NPV_IRR:
      if (kind == WF_QUERY_KIND_MONEY)
        return npv_money;
      return kind == WF_QUERY_KIND_PERCENT ? npv_pct : none;
    case WF_INTENT_PAYBACK:
      if (kind == WF_QUERY_KIND_MONEY)
        return npv_money;
      return kind == WF_QUERY_KIND_PERCENT ? payback_pct : none;
    case WF_INTENT_BREAK_EVEN:
      if (kind == WF_QUERY_KIND_MONEY || kind == WF_QUERY_KIND_NUMBER)
        return be_money;
      return kind == WF_QUERY_KIND_COUNT ? be_units : none;
    case WF_INTENT_PRICE_CHANGE:
      if (kind == WF_QUERY_KIND_MONEY || kind == WF_QUERY_KIND_NUMBER)
        return pc_money;
      if (kind == WF_QUERY_KIND_COUNT)
        return pc_count;
      return kind == WF_QUERY_KIND_PERCENT ? pc_pct : none;
    case WF_INTENT_CASH_RUNWAY:
      if (kind == WF_QUERY_KIND_MONEY || kind == WF_QUERY_KIND_NUMBER)
        return monthly ? runway_monthly : runway_money;
      return kind == WF_QUERY_KIND_PERCENT ? growth_pct : none;
    case WF_INTENT_MARGIN_MARKUP:
      if (kind == WF_QUERY_KIND_MONEY || kind == WF_QUERY_KIND_NUMBER)
        return margin_money;
      return kind == WF_QUERY_KIND_PERCENT ? margin_pct : none;
    case WF_INTENT_GROWTH:
      if (kind == WF_QUERY_KIND_MONEY || kind == WF_QUERY_KIND_NUMBER || kind == WF_QUERY_KIND_COUNT)
        return growth_money;
      return kind == WF_QUERY_KIND_PERCENT ? growth_pct : none;
    case WF_INTENT_SAVINGS_GROWTH:
      if (kind == WF_QUERY_KIND_MONEY || kind == WF_QUERY_KIND_NUMBER)
        return monthly ? savings_monthly : savings_money;
      return kind == WF_QUERY_KIND_PERCENT ? rate_pct : none;
    case WF_INTENT_TIME_VALUE:
      if (kind == WF_QUERY_KIND_MONEY || kind == WF_QUERY_KIND_NUMBER)
        return (monthly || q->per_year) ? tv_periodic : tv_money;
      return kind == WF_QUERY_KIND_PERCENT ? rate_pct : none;
    case WF_INTENT_RATE_CONVERSION:
      return kind == WF_QUERY_KIND_PERCENT ? rate_pct : none;
    case WF_INTENT_HIRING_COST:
      if (kind == WF_QUERY_KIND_MONEY)
        return hiring_money;
      if (kind == WF_QUERY_KIND_COUNT || kind == WF_QUERY_KIND_NUMBER)
        return hiring_count;
      return kind == WF_QUERY_KIND_PERCENT ? hiring_pct : none;
    case WF_INTENT_DEPRECIATION:
      if (kind == WF_QUERY_KIND_MONEY || kind == WF_QUERY_KIND_NUMBER)
        return dep_money;
      return kind == WF_QUERY_KIND_PERCENT ? rate_pct : none;
    case WF_INTENT_WORKING_CAPITAL:
      /* Days with no word to place them: in the order the measures are named. */
      if (kind == WF_QUERY_KIND_PERIOD)
        return wc_days;
      return kind == WF_QUERY_KIND_MONEY ? wc_money : none;
    case WF_INTENT_INVENTORY:
      if (kind == WF_QUERY_KIND_MONEY || kind == WF_QUERY_KIND_NUMBER)
        return inv_money;
      return kind == WF_QUERY_KIND_COUNT ? inv_units : none;
    case WF_INTENT_NONE:
    case WF_INTENT_GENERAL_MODEL:
    case WF_INTENT_LAST:
    default:
      return none;
    }
}

/* Money per month or per year, as the slot wants it. */
static double
normalise_money (WfSlot            slot,
                 WfIntent          intent,
                 const WfQuantity *q)
{
  double v = q->value;

  switch (slot)
    {
    case WF_SLOT_BURN:
    case WF_SLOT_PAYMENT:
    case WF_SLOT_DEPOSIT:
    case WF_SLOT_FIXED_COSTS:
      if (q->per_year)
        return v / 12.0;
      if (q->per_day)
        return v * 365.0 / 12.0;
      if (q->per_week)
        return v * 52.0 / 12.0;
      return v;
    case WF_SLOT_REVENUE:
      if (intent == WF_INTENT_WORKING_CAPITAL)
        return q->per_month ? v * 12.0 : (q->per_week ? v * 52.0 : v);
      if (q->per_year)
        return v / 12.0;
      if (q->per_week)
        return v * 52.0 / 12.0;
      return v;
    case WF_SLOT_COGS:
      return q->per_month ? v * 12.0 : (q->per_week ? v * 52.0 : v);
    case WF_SLOT_SALARY:
    case WF_SLOT_CASH_FLOW:
      if (q->per_month)
        return v * 12.0;
      if (q->per_day)
        return v * 365.0;
      if (q->per_week)
        return v * 52.0;
      return v;
    default:
      return v;
    }
}

gboolean
wf_query_has_any (const char  *window,
                 const char **words)
{
  int i;

  for (i = 0; words[i] != NULL; i++)
    if (wf_query_contains_word (window, words[i]))
      return TRUE;
  return FALSE;
}

/* Working-capital days given directly: "customers pay in 45 days", "30 days
 * of stock", "we pay suppliers in 60", "DSO of 45". */
static const RoleWord days_before[] = {
  { "customers pay", WF_SLOT_DSO_DAYS }, { "clients pay", WF_SLOT_DSO_DAYS },
  { "customers take", WF_SLOT_DSO_DAYS }, { "clients take", WF_SLOT_DSO_DAYS },
  { "customers", WF_SLOT_DSO_DAYS }, { "clients", WF_SLOT_DSO_DAYS }, { "debtors", WF_SLOT_DSO_DAYS },
  { "get paid", WF_SLOT_DSO_DAYS }, { "gets paid", WF_SLOT_DSO_DAYS }, { "getting paid", WF_SLOT_DSO_DAYS },
  { "paid after", WF_SLOT_DSO_DAYS }, { "paid within", WF_SLOT_DSO_DAYS }, { "collect", WF_SLOT_DSO_DAYS },
  { "collection", WF_SLOT_DSO_DAYS }, { "collections", WF_SLOT_DSO_DAYS }, { "invoices", WF_SLOT_DSO_DAYS },
  { "receivable", WF_SLOT_DSO_DAYS }, { "receivables", WF_SLOT_DSO_DAYS }, { "debtor days", WF_SLOT_DSO_DAYS },
  { "dso", WF_SLOT_DSO_DAYS }, { "days sales outstanding", WF_SLOT_DSO_DAYS },
  { "inventory", WF_SLOT_DIO_DAYS }, { "stock", WF_SLOT_DIO_DAYS }, { "hold", WF_SLOT_DIO_DAYS },
  { "holds", WF_SLOT_DIO_DAYS }, { "sits", WF_SLOT_DIO_DAYS }, { "shelf", WF_SLOT_DIO_DAYS },
  { "shelves", WF_SLOT_DIO_DAYS }, { "warehouse", WF_SLOT_DIO_DAYS }, { "dio", WF_SLOT_DIO_DAYS },
  { "days inventory outstanding", WF_SLOT_DIO_DAYS }, { "inventory days", WF_SLOT_DIO_DAYS },
  { "stock days", WF_SLOT_DIO_DAYS },
  { "suppliers", WF_SLOT_DPO_DAYS }, { "supplier", WF_SLOT_DPO_DAYS }, { "vendors", WF_SLOT_DPO_DAYS },
  { "vendor", WF_SLOT_DPO_DAYS }, { "creditors", WF_SLOT_DPO_DAYS }, { "payables", WF_SLOT_DPO_DAYS },
  { "payable", WF_SLOT_DPO_DAYS }, { "suppliers get paid", WF_SLOT_DPO_DAYS }, { "creditor days", WF_SLOT_DPO_DAYS },
  { "dpo", WF_SLOT_DPO_DAYS }, { "days payables outstanding", WF_SLOT_DPO_DAYS },
};

/* Right after the number, with nothing but spaces between. */
static const RoleWord days_after[] = {
  { "of stock", WF_SLOT_DIO_DAYS }, { "of inventory", WF_SLOT_DIO_DAYS }, { "in stock", WF_SLOT_DIO_DAYS },
  { "in inventory", WF_SLOT_DIO_DAYS }, { "inventory", WF_SLOT_DIO_DAYS }, { "stock", WF_SLOT_DIO_DAYS },
  { "worth of stock", WF_SLOT_DIO_DAYS }, { "worth of inventory", WF_SLOT_DIO_DAYS },
  { "on the shelf", WF_SLOT_DIO_DAYS }, { "inventory outstanding", WF_SLOT_DIO_DAYS }, { "dio", WF_SLOT_DIO_DAYS },
  { "to collect", WF_SLOT_DSO_DAYS }, { "to get paid", WF_SLOT_DSO_DAYS }, { "sales outstanding", WF_SLOT_DSO_DAYS },
  { "receivable", WF_SLOT_DSO_DAYS }, { "dso", WF_SLOT_DSO_DAYS },
  { "to pay suppliers", WF_SLOT_DPO_DAYS }, { "to pay our suppliers", WF_SLOT_DPO_DAYS },
  { "to pay my suppliers", WF_SLOT_DPO_DAYS }, { "payables outstanding", WF_SLOT_DPO_DAYS },
  { "payable", WF_SLOT_DPO_DAYS }, { "dpo", WF_SLOT_DPO_DAYS },
};

static int
days_role (const char *before,
           const char *after)
{
  const char *a = after;
  size_t best_len = 0;
  int role = -1;
  guint i;

  while (*a == ' ' || *a == '\'')
    a++;
  for (i = 0; i < G_N_ELEMENTS (days_after); i++)
    {
      size_t len = strlen (days_after[i].word);

      if (len > best_len && strncmp (a, days_after[i].word, len) == 0 && !g_ascii_isalpha (a[len]))
        {
          role = (int) days_after[i].slot;
          best_len = len;
        }
    }
  if (role < 0)
    role = nearest_role (before, days_before, G_N_ELEMENTS (days_before), NULL);
  return role;
}

/* A working-capital period in days: "6 weeks" is 42, "2 months" 60. */
static double
days_value (const WfQuantity *q)
{
  if (q->kind != WF_QUERY_KIND_PERIOD || q->noun == NULL || g_str_has_prefix (q->noun, "day"))
    return q->raw;
  if (g_str_has_prefix (q->noun, "week"))
    return q->raw * 7;
  if (g_str_has_prefix (q->noun, "mo"))
    return q->raw * 30;
  if (g_str_has_prefix (q->noun, "quarter"))
    return q->raw * 91;
  return q->raw * 365;
}

/* Days or weeks; or, in a question that speaks of days, a small bare number
 * ("45, 30 and 60 days"). */
static gboolean
is_days (const WfQuantity *q,
         const char       *lower)
{
  if (q->kind == WF_QUERY_KIND_PERIOD)
    return q->noun != NULL && (g_str_has_prefix (q->noun, "day") || g_str_has_prefix (q->noun, "week"));
  return q->kind == WF_QUERY_KIND_NUMBER && q->value <= 730 && wf_query_contains_word (lower, "days");
}

/* The text between quantity I and its neighbours: BEFORE from the previous
 * one (at most 60 bytes, cut at a sentence end), AFTER up to the next one (at
 * most 40 bytes). */
void
wf_query_quantity_windows (const char  *lower,
                           GPtrArray   *quantities,
                           guint        i,
                           char       **out_before,
                           char       **out_after)
{
  WfQuantity *q = g_ptr_array_index (quantities, i);
  int len = (int) strlen (lower);
  int window_start = i > 0 ? ((WfQuantity *) g_ptr_array_index (quantities, i - 1))->end : 0;
  int after_end = i + 1 < quantities->len
                  ? ((WfQuantity *) g_ptr_array_index (quantities, i + 1))->start
                  : len;
  char *before;
  int j;

  /* Offsets come from the same text; clamp anyway so a mismatch can
   * never read outside it. */
  after_end = CLAMP (after_end, 0, len);
  if (q->end > after_end)
    after_end = q->end = MIN (q->end, len);
  window_start = MAX (window_start, q->start - 60);
  window_start = CLAMP (window_start, 0, q->start);
  /* A clause boundary ends the before-window: "…, and rent is" */
  before = g_strndup (lower + window_start, q->start - window_start);
  for (j = (int) strlen (before) - 1; j >= 0; j--)
    if (before[j] == '.' || before[j] == ';' || before[j] == '?' || before[j] == '!')
      {
        memmove (before, before + j + 1, strlen (before + j + 1) + 1);
        break;
      }
  *out_before = before;
  *out_after = g_strndup (lower + q->end, MIN (after_end - q->end, 40));
}

/* The role the wording gives a percentage, before any intent mapping. */
int
wf_query_percent_role (const char *before,
                       const char *after)
{
  int role = leading_role (after, percent_after, G_N_ELEMENTS (percent_after));

  if (role < 0)
    role = nearest_role (before, percent_before, G_N_ELEMENTS (percent_before), NULL);
  return role;
}


/* "180k in 2021": a bare year after "in", "since", "by"… is a date. */
static gboolean
is_year (const WfQuantity *q,
         const char       *before)
{
  static const char *date_words[] = {
    "in", "since", "by", "until", "till", "before", "after", "during", "year", "fy", NULL,
  };
  g_autofree char *trimmed = g_strchomp (g_strdup (before));
  const char *last = strrchr (trimmed, ' ');
  int i;

  if (q->kind != WF_QUERY_KIND_NUMBER || q->value < 1900 || q->value > 2100 || q->value != floor (q->value) ||
      q->per_month || q->per_year || q->per_week || q->per_day)
    return FALSE;
  last = last != NULL ? last + 1 : trimmed;
  for (i = 0; date_words[i] != NULL; i++)
    if (g_strcmp0 (last, date_words[i]) == 0)
      return TRUE;
  return FALSE;
}

/* The value quantity Q gives SLOT, in the slot's unit: money a month or a
 * year, days, units a year, rates a year. */
static double
slot_value (WfSlot            slot,
            WfIntent          intent,
            const WfQuantity *q,
            WfQueryParams    *params)
{
  double v = q->value;

  if (q->kind == WF_QUERY_KIND_MONEY || q->kind == WF_QUERY_KIND_NUMBER)
    v = normalise_money (slot, intent, q);
  if (slot == WF_SLOT_LEAD_DAYS && q->kind == WF_QUERY_KIND_PERIOD)
    v = q->raw * (g_str_has_prefix (q->noun, "w") ? 7.0 : 1.0);
  if (slot == WF_SLOT_DSO_DAYS || slot == WF_SLOT_DIO_DAYS || slot == WF_SLOT_DPO_DAYS)
    v = days_value (q);
  /* Demand for stock is per year: "50 units a day". */
  if (slot == WF_SLOT_UNITS && intent == WF_INTENT_INVENTORY)
    v = q->per_day ? v * 365 : q->per_week ? v * 52 : q->per_month ? v * 12 : v;
  /* Growth a month, compounded to the year the template projects by. */
  if (slot == WF_SLOT_GROWTH && intent == WF_INTENT_GROWTH && q->per_month)
    v = pow (1 + v, 12) - 1;
  if (q->kind == WF_QUERY_KIND_PERCENT && (slot == WF_SLOT_RATE || slot == WF_SLOT_DISCOUNT_RATE) &&
      q->per_month)
    {
      v *= 12.0;
      params->rate_monthly = TRUE;
    }
  return v;
}

void
wf_query_assign_roles (const char    *lower,
                       GPtrArray     *quantities,
                       WfIntent       intent,
                       WfQueryParams *params)
{
  static const char *negative_words[] = { "cut", "lower", "drop prices", "reduce", "decrease",
                                          "discount", "slash", "drop", "knock", NULL };
  static const char *lose_words[] = { "lose", "losing", "lost", "churn", "leave", NULL };
  g_autofree Assigned *assigned = g_new0 (Assigned, MAX (quantities->len, 1));
  gboolean period_taken = FALSE;
  double lost = NAN;
  guint i;

  for (i = 0; i < quantities->len; i++)
    {
      WfQuantity *q = g_ptr_array_index (quantities, i);
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;
      int role = -1;

      wf_query_quantity_windows (lower, quantities, i, &before, &after);
      assigned[i].q = q;
      if (is_year (q, before))
        {
          assigned[i].slot = WF_SLOT_LAST;   /* "in 2021" is a date: no slot */
          continue;
        }
      /* Days in a working-capital question say which measure they are; days
       * with no word to place them are filled below in order: DSO, DIO, DPO. */
      if (intent == WF_INTENT_WORKING_CAPITAL &&
          ((q->kind == WF_QUERY_KIND_NUMBER && q->value <= 730) || q->kind == WF_QUERY_KIND_PERIOD))
        role = days_role (before, after);
      if (role < 0 && !(intent == WF_INTENT_WORKING_CAPITAL && is_days (q, lower)))
        switch (q->kind)
          {
          case WF_QUERY_KIND_MONEY:
            role = leading_role (after, money_after, G_N_ELEMENTS (money_after));
            if (role < 0)
              role = nearest_role (before, money_before, G_N_ELEMENTS (money_before), NULL);
            break;
          case WF_QUERY_KIND_NUMBER:
            role = nearest_role (before, money_before, G_N_ELEMENTS (money_before), NULL);
            if (role == WF_SLOT_TARGET_AMOUNT || role == WF_SLOT_AMOUNT)
              role = -1;
            break;
          case WF_QUERY_KIND_PERCENT:
            role = wf_query_percent_role (before, after);
            if (role == WF_SLOT_PRICE_CHANGE && wf_query_has_any (before, negative_words))
              q->value = -fabs (q->value);
            /* "15% more customers" is customers gained: a negative loss. */
            if (role == WF_SLOT_CUSTOMER_LOSS && g_str_has_prefix (wf_query_skip_spaces (after), "more"))
              q->value = -fabs (q->value);
            break;
          case WF_QUERY_KIND_COUNT:
            {
              guint k;

              for (k = 0; k < wf_query_n_count_nouns; k++)
                if (g_strcmp0 (q->noun, wf_query_count_nouns[k].word) == 0)
                  role = (int) wf_query_count_nouns[k].slot;
              /* "and lose 20 clients": a share of the customers, below. */
              if (intent == WF_INTENT_PRICE_CHANGE && role == WF_SLOT_CUSTOMERS && wf_query_has_any (before, lose_words))
                {
                  lost = q->value;
                  assigned[i].slot = WF_SLOT_LAST;
                  continue;
                }
            }
            break;
          case WF_QUERY_KIND_PERIOD:
            /* "lead time is 2 weeks" is days too, in a stock question. */
            if (g_strcmp0 (q->noun, "days") == 0 || g_strcmp0 (q->noun, "day") == 0 ||
                (intent == WF_INTENT_INVENTORY && g_str_has_prefix (q->noun, "w")))
              role = WF_SLOT_LEAD_DAYS;
            else if (!period_taken)
              {
                role = WF_SLOT_TERM_MONTHS;
                period_taken = TRUE;
              }
            break;
          default:
            break;
          }
      if (role >= 0)
        {
          int named = role;

          role = (int) remap_slot (intent, (WfSlot) role);
          /* "1,200 customers growing 5% a month": the projection counts
           * people, not money. */
          if (intent == WF_INTENT_GROWTH && role == WF_SLOT_AMOUNT &&
              (named == WF_SLOT_CUSTOMERS || named == WF_SLOT_UNITS) && isnan (params->values[WF_SLOT_AMOUNT]))
            params->amount_is_count = TRUE;
        }
      /* In an investment question the amount "a year" / "a month" is the
       * return and a one-off amount is the cost, whatever verb came first. */
      if ((intent == WF_INTENT_NPV_IRR || intent == WF_INTENT_PAYBACK) && q->kind == WF_QUERY_KIND_MONEY &&
          role != WF_SLOT_SALVAGE)
        {
          if (q->per_month || q->per_year || q->per_week || q->per_day)
            role = WF_SLOT_CASH_FLOW;
          else if (role == WF_SLOT_CASH_FLOW)
            role = WF_SLOT_INVESTMENT;
        }
      /* "from $2m to $3m" only means start/end in a growth question. */
      if ((role == WF_SLOT_AMOUNT || role == WF_SLOT_TARGET_AMOUNT) &&
          intent != WF_INTENT_GROWTH && intent != WF_INTENT_TIME_VALUE &&
          intent != WF_INTENT_SAVINGS_GROWTH)
        role = -1;
      if (role == WF_SLOT_TARGET_AMOUNT && intent == WF_INTENT_SAVINGS_GROWTH)
        role = -1;
      /* A markup question names its percentage "markup" anywhere. */
      if (intent == WF_INTENT_MARGIN_MARKUP && q->kind == WF_QUERY_KIND_PERCENT &&
          role != WF_SLOT_MARGIN && role != WF_SLOT_MARKUP)
        role = (wf_query_contains_word (lower, "markup") || wf_query_contains_word (lower, "mark up") ||
                wf_query_contains_word (lower, "mark-up")) ? WF_SLOT_MARKUP : WF_SLOT_MARGIN;
      /* A slot given twice keeps the first; the second falls to the fill order. */
      if (role >= 0 && role < WF_SLOT_LAST && !isnan (params->values[role]))
        role = -1;
      assigned[i].slot = role;
      if (role >= 0 && role < WF_SLOT_LAST)
        params->values[role] = slot_value ((WfSlot) role, intent, q, params);
    }

  /* Second pass: amounts with no role fill the intent's slots in order. */
  for (i = 0; i < quantities->len; i++)
    {
      WfQuantity *q = assigned[i].q;
      const WfSlot *order;
      int k;

      if (assigned[i].slot >= 0 || (q->kind == WF_QUERY_KIND_PERIOD &&
                                    !(intent == WF_INTENT_WORKING_CAPITAL && is_days (q, lower))))
        continue;
      /* "45, 30 and 60 days": the bare numbers are days too. */
      order = fill_order (intent, intent == WF_INTENT_WORKING_CAPITAL && is_days (q, lower)
                                  ? WF_QUERY_KIND_PERIOD : q->kind, q);
      for (k = 0; order[k] != WF_SLOT_LAST; k++)
        if (isnan (params->values[order[k]]))
          {
            params->values[order[k]] = slot_value (order[k], intent, q, params);
            assigned[i].slot = order[k];
            break;
          }
    }

  if (!isnan (lost) && isnan (params->values[WF_SLOT_CUSTOMER_LOSS]) &&
      params->values[WF_SLOT_CUSTOMERS] > 0 && lost <= params->values[WF_SLOT_CUSTOMERS])
    params->values[WF_SLOT_CUSTOMER_LOSS] = lost / params->values[WF_SLOT_CUSTOMERS];
}

/* "20k in 3 years", "$5,000 received in 2 years": an amount that arrives
 * later, directly followed by "in" and a number. */
static gboolean
sum_due_later (const char *lower)
{
  const char *hit = lower;

  while ((hit = strstr (hit, " in ")) != NULL)
    {
      const char *before = hit;

      while (before > lower && before[-1] == ' ')
        before--;
      if (before > lower && (g_ascii_isdigit (before[-1]) ||
                             ((before[-1] == 'k' || before[-1] == 'm') && before - 1 > lower &&
                              g_ascii_isdigit (before[-2]))) &&
          g_ascii_isdigit (hit[4]))
        return TRUE;
      hit += 4;
    }
  return FALSE;
}

/* Which of the words in WORDS comes first in TEXT, as a byte offset; G_MAXINT
 * when none does. */
static int
first_of (const char  *text,
          const char **words)
{
  int best = G_MAXINT;
  int i;

  for (i = 0; words[i] != NULL; i++)
    {
      const char *hit = strstr (text, words[i]);

      if (hit != NULL && wf_query_contains_word (text, words[i]))
        best = MIN (best, (int) (hit - text));
    }
  return best;
}

/* The quantity the question asks for, when a template can report more than
 * one: it comes first in the answer. PARAMS holds what the question gave, so
 * a quantity given ("a 40% margin") is not taken for the one asked. */
char *
wf_query_detect_focus (const char          *lower,
                       WfIntent             intent,
                       const WfQueryParams *params)
{
  switch (intent)
    {
    case WF_INTENT_NPV_IRR:
      {
        static const char *irr[] = {
          "irr", "internal rate", "rate of return", "what return", "what's the return", "whats the return",
          "what is the return", "return do i get", "return would i get", "return will i get",
          "percentage return", "what yield", NULL,
        };

        return wf_query_has_any (lower, irr) ? g_strdup ("irr") : NULL;
      }
    case WF_INTENT_LOAN_PAYMENT:
      {
        static const char *interest[] = {
          "total interest", "how much interest", "interest will i pay", "interest do i pay",
          "interest would i pay", "interest do we pay", "interest will we pay", "pay in interest",
          "cost of the loan", "loan cost", "loan will cost", "cost me in interest", NULL,
        };
        static const char *paid[] = {
          "total paid", "total repaid", "total amount", "in total", "altogether", "all in all", NULL,
        };

        if (wf_query_has_any (lower, interest))
          return g_strdup ("total_interest");
        if (wf_query_has_any (lower, paid))
          return g_strdup ("total_paid");
        return NULL;
      }
    case WF_INTENT_LOAN_PAYOFF:
      {
        static const char *interest[] = {
          "total interest", "how much interest", "interest will i pay", "interest do i pay",
          "interest would i pay", "pay in interest", NULL,
        };
        static const char *how_long[] = {
          "how long", "how many months", "how many years", "when", "how soon", "how many payments", NULL,
        };

        if (wf_query_has_any (lower, interest) && !wf_query_has_any (lower, how_long))
          return g_strdup ("total_interest");
        return NULL;
      }
    case WF_INTENT_GROWTH:
      if (wf_query_contains_word (lower, "doubl"))
        return g_strdup ("doubling");
      if (wf_query_contains_word (lower, "cagr") || wf_query_contains_word (lower, "compound annual growth") ||
          wf_query_contains_word (lower, "went from") || wf_query_contains_word (lower, "growth rate"))
        return g_strdup ("cagr");
      return NULL;
    case WF_INTENT_TIME_VALUE:
      {
        /* Money later, today: "worth today", "in today's money", "20k in 3
         * years", and inflation, which asks what a sum will still buy. Else
         * money today, later: "worth in 5 years", "grow to", "if I invest". */
        static const char *today[] = {
          "present value", "worth today", "today's", "todays", "worth now", "inflation", "discount",
          "received in", "receive in", "get in", NULL,
        };
        if (wf_query_contains_word (lower, "future value"))
          return g_strdup ("fv");
        if (wf_query_has_any (lower, today) || sum_due_later (lower))
          return g_strdup ("pv");
        /* "10k at 5% for 3 years": what it becomes. */
        return g_strdup ("fv");
      }
    case WF_INTENT_RATE_CONVERSION:
      if (wf_query_contains_word (lower, "to apr") || wf_query_contains_word (lower, "into apr") ||
          wf_query_contains_word (lower, "nominal"))
        return g_strdup ("apr");
      return NULL;
    case WF_INTENT_BREAK_EVEN:
      {
        static const char *revenue[] = {
          "break-even revenue", "break even revenue", "breakeven revenue", "how much revenue",
          "what revenue", "how much in sales", "how much sales", "sales do i need", "sales do we need",
          "revenue do i need", "revenue do we need", "turnover do i need", "how much do i need to sell",
          "how much do we need to sell", "how much do i need to make", "how much do we need to make",
          NULL,
        };

        return wf_query_has_any (lower, revenue) ? g_strdup ("revenue") : NULL;
      }
    case WF_INTENT_PRICE_CHANGE:
      {
        static const char *max_loss[] = {
          "how many customers can", "how many clients can", "how many can i lose", "how many can we lose",
          "afford to lose", "lose before", "how much volume can", "how many subscribers can", NULL,
        };

        return wf_query_has_any (lower, max_loss) ? g_strdup ("max_loss") : NULL;
      }
    case WF_INTENT_PAYBACK:
      if (wf_query_contains_word (lower, "how many months") || wf_query_contains_word (lower, "in months"))
        return g_strdup ("months");
      return NULL;
    case WF_INTENT_MARGIN_MARKUP:
      {
        static const char *markup[] = { "markup", "mark up", "mark-up", "marked up", "mark it up", NULL };
        static const char *margin[] = { "margin", "margins", NULL };
        gboolean markup_given = wf_query_params_has (params, WF_SLOT_MARKUP);
        gboolean margin_given = wf_query_params_has (params, WF_SLOT_MARGIN);
        int markup_at = markup_given ? G_MAXINT : first_of (lower, markup);
        int margin_at = margin_given ? G_MAXINT : first_of (lower, margin);

        /* The one named first, of those the question does not give. */
        if (markup_at < margin_at)
          return g_strdup ("markup");
        if (margin_at < markup_at)
          return g_strdup ("margin");
        return NULL;
      }
    case WF_INTENT_DEPRECIATION:
      if (wf_query_contains_word (lower, "declining"))
        return g_strdup ("declining");
      return NULL;
    case WF_INTENT_WORKING_CAPITAL:
      {
        static const char *ccc[] = {
          "cash conversion cycle", "conversion cycle", "cash cycle", "ccc", "tied up", NULL,
        };
        static const char *dio[] = { "dio", "days inventory outstanding", "inventory days", "stock days", NULL };
        static const char *dpo[] = { "dpo", "days payables outstanding", "creditor days", NULL };

        if (wf_query_has_any (lower, ccc))
          return g_strdup ("ccc");
        if (wf_query_has_any (lower, dpo) && !wf_query_params_has (params, WF_SLOT_DPO_DAYS))
          return g_strdup ("dpo");
        if (wf_query_has_any (lower, dio) && !wf_query_params_has (params, WF_SLOT_DIO_DAYS))
          return g_strdup ("dio");
        return NULL;
      }
    case WF_INTENT_INVENTORY:
      if (wf_query_contains_word (lower, "reorder") || wf_query_contains_word (lower, "when to order") ||
          wf_query_contains_word (lower, "when should i order") || wf_query_contains_word (lower, "when do i order"))
        return g_strdup ("reorder");
      return NULL;
    case WF_INTENT_HIRING_COST:
      {
        static const char *monthly[] = {
          "cost per month", "cost a month", "monthly cost", "cost monthly", "cost me per month",
          "cost me a month", "cost us per month", "cost us a month", "per month to employ",
          "a month to employ", NULL,
        };
        static const char *yearly[] = {
          "cost per year", "cost a year", "annual cost", "yearly cost", "fully loaded", "cost me per year",
          "cost me a year", "cost us per year", "cost us a year", "cost per person", NULL,
        };

        if (wf_query_contains_word (lower, "total"))
          return NULL;
        if (wf_query_has_any (lower, monthly))
          return g_strdup ("monthly");
        if (wf_query_has_any (lower, yearly))
          return g_strdup ("yearly");
        return NULL;
      }
    case WF_INTENT_SAVINGS_GROWTH:
      {
        static const char *growth[] = {
          "how much interest", "interest will i earn", "interest would i earn", "interest earned",
          "earn in interest", "how much will i earn", "how much would i earn", "growth earned",
          "how much growth", NULL,
        };

        return wf_query_has_any (lower, growth) ? g_strdup ("growth") : NULL;
      }
    case WF_INTENT_NONE:
    case WF_INTENT_CASH_RUNWAY:
    case WF_INTENT_GENERAL_MODEL:
    case WF_INTENT_LAST:
    default:
      return NULL;
    }
}

