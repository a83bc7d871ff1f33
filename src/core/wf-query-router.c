/* wf-query-router.c: weighted lexicon, intent patterns and quantity extraction
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here is plain string work on an ASCII-lowercased copy of the
 * question (byte offsets stay the same), so it is fast, deterministic and
 * needs no network. Roles are decided in two passes: first a generic role from
 * the nearest keyword, then a per-intent mapping, because "costs 20k" is an
 * investment in a payback question and a unit cost in a break-even one.
 */
#define G_LOG_DOMAIN "wf-query-router"

#include "config.h"

#include "wf-query-router.h"

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

/* ---- parameters ---------------------------------------------------------- */

WfQueryParams *
wf_query_params_new (void)
{
  WfQueryParams *params = g_new0 (WfQueryParams, 1);
  int i;

  for (i = 0; i < WF_SLOT_LAST; i++)
    params->values[i] = NAN;
  return params;
}

WfQueryParams *
wf_query_params_copy (const WfQueryParams *params)
{
  WfQueryParams *copy;

  g_return_val_if_fail (params != NULL, NULL);

  copy = g_new0 (WfQueryParams, 1);
  memcpy (copy->values, params->values, sizeof copy->values);
  copy->focus = g_strdup (params->focus);
  copy->rate_monthly = params->rate_monthly;
  memcpy (copy->currency, params->currency, sizeof copy->currency);
  copy->currency_assumed = params->currency_assumed;
  copy->amount_is_count = params->amount_is_count;
  return copy;
}

void
wf_query_params_free (WfQueryParams *params)
{
  if (params == NULL)
    return;
  g_free (params->focus);
  g_free (params);
}

gboolean
wf_query_params_has (const WfQueryParams *params,
                     WfSlot               slot)
{
  g_return_val_if_fail (params != NULL, FALSE);
  g_return_val_if_fail (slot < WF_SLOT_LAST, FALSE);

  return !isnan (params->values[slot]);
}

double
wf_query_params_get (const WfQueryParams *params,
                     WfSlot               slot,
                     double               fallback)
{
  g_return_val_if_fail (slot < WF_SLOT_LAST, fallback);

  if (params == NULL || isnan (params->values[slot]))
    return fallback;
  return params->values[slot];
}

void
wf_query_params_set (WfQueryParams *params,
                     WfSlot         slot,
                     double         value)
{
  g_return_if_fail (params != NULL);
  g_return_if_fail (slot < WF_SLOT_LAST);

  params->values[slot] = isfinite (value) ? value : NAN;
}

void
wf_query_params_merge (WfQueryParams       *params,
                       const WfQueryParams *update)
{
  int i;

  g_return_if_fail (params != NULL);
  g_return_if_fail (update != NULL);

  for (i = 0; i < WF_SLOT_LAST; i++)
    if (!isnan (update->values[i]))
      params->values[i] = update->values[i];
  if (update->focus != NULL)
    {
      g_free (params->focus);
      params->focus = g_strdup (update->focus);
    }
  if (!isnan (update->values[WF_SLOT_RATE]))
    params->rate_monthly = update->rate_monthly;
  if (!isnan (update->values[WF_SLOT_AMOUNT]))
    params->amount_is_count = update->amount_is_count;
  /* "and in euros?" switches the currency; a follow-up naming none keeps it. */
  if (update->currency[0] != '\0')
    {
      memcpy (params->currency, update->currency, sizeof params->currency);
      params->currency_assumed = update->currency_assumed;
    }
}

guint
wf_query_params_count (const WfQueryParams *params)
{
  guint n = 0;
  int i;

  g_return_val_if_fail (params != NULL, 0);

  for (i = 0; i < WF_SLOT_LAST; i++)
    if (!isnan (params->values[i]))
      n++;
  return n;
}

char *
wf_query_params_to_string (const WfQueryParams *params)
{
  GString *str = g_string_new (NULL);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  int i;

  g_return_val_if_fail (params != NULL, NULL);

  for (i = 0; i < WF_SLOT_LAST; i++)
    {
      if (isnan (params->values[i]))
        continue;
      if (str->len > 0)
        g_string_append (str, ", ");
      /* 15 digits: readable in a prompt ("0.05", not "0.050000000000000003"). */
      g_string_append_printf (str, "%s=%s", slot_names[i],
                              g_ascii_formatd (buf, sizeof buf, "%.15g", params->values[i]));
    }
  /* The money above is in it: a model reading the values needs it too. */
  if (str->len > 0 && wf_currency_code_is_valid (params->currency))
    g_string_append_printf (str, ", currency=%s", params->currency);
  return g_string_free (str, FALSE);
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
wf_quantity_free (WfQuantity *quantity)
{
  if (quantity == NULL)
    return;
  g_free (quantity->noun);
  g_free (quantity);
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

/* ---- extraction ---------------------------------------------------------- */

/* s starts with `word` and the word ends there. */
static gboolean
starts_word (const char *s,
             const char *word)
{
  size_t n = strlen (word);

  return strncmp (s, word, n) == 0 && !g_ascii_isalpha (s[n]);
}

static const char *
skip_spaces (const char *s)
{
  while (*s == ' ' || *s == '\t')
    s++;
  return s;
}

typedef struct
{
  const char *word;
  double      months;
} PeriodWord;

static const PeriodWord period_words[] = {
  { "years", 12 }, { "year", 12 }, { "yrs", 12 }, { "yr", 12 }, { "y", 12 },
  { "months", 1 }, { "month", 1 }, { "mos", 1 }, { "mo", 1 }, { "mths", 1 }, { "mth", 1 }, { "mnths", 1 },
  { "quarters", 3 }, { "quarter", 3 },
  { "weeks", 12.0 / 52.0 }, { "week", 12.0 / 52.0 }, { "wks", 12.0 / 52.0 },
  { "days", 12.0 / 365.0 }, { "day", 12.0 / 365.0 },
};

typedef struct
{
  const char *word;
  WfSlot      slot;
} SlotWord;

static const SlotWord count_nouns[] = {
  { "customers", WF_SLOT_CUSTOMERS }, { "customer", WF_SLOT_CUSTOMERS },
  { "clients", WF_SLOT_CUSTOMERS }, { "subscribers", WF_SLOT_CUSTOMERS },
  { "users", WF_SLOT_CUSTOMERS }, { "members", WF_SLOT_CUSTOMERS },
  { "accounts", WF_SLOT_CUSTOMERS }, { "patients", WF_SLOT_CUSTOMERS },
  { "units", WF_SLOT_UNITS }, { "unit", WF_SLOT_UNITS }, { "items", WF_SLOT_UNITS },
  { "products", WF_SLOT_UNITS }, { "widgets", WF_SLOT_UNITS }, { "cups", WF_SLOT_UNITS },
  { "meals", WF_SLOT_UNITS }, { "boxes", WF_SLOT_UNITS }, { "bottles", WF_SLOT_UNITS },
  { "pieces", WF_SLOT_UNITS }, { "orders", WF_SLOT_UNITS }, { "jobs", WF_SLOT_UNITS },
  { "hours", WF_SLOT_UNITS }, { "hrs", WF_SLOT_UNITS },
  { "staff", WF_SLOT_HEADCOUNT }, { "employees", WF_SLOT_HEADCOUNT },
  { "employee", WF_SLOT_HEADCOUNT }, { "people", WF_SLOT_HEADCOUNT },
  { "hires", WF_SLOT_HEADCOUNT }, { "new hires", WF_SLOT_HEADCOUNT },
  { "engineers", WF_SLOT_HEADCOUNT }, { "developers", WF_SLOT_HEADCOUNT },
  { "workers", WF_SLOT_HEADCOUNT }, { "salespeople", WF_SLOT_HEADCOUNT },
  { "more people", WF_SLOT_HEADCOUNT }, { "new", WF_SLOT_HEADCOUNT },
};

static gboolean
match_per (const char  *s,
           const char **words)
{
  int i;

  for (i = 0; words[i] != NULL; i++)
    if (strncmp (s, words[i], strlen (words[i])) == 0)
      return TRUE;
  return FALSE;
}

static const char *per_month_words[] = {
  "a month", "per month", "/month", "/mo", "monthly", "each month", "every month",
  "pm ", "a mo ", "per mo ", "pcm", "p/m", "a mth", "per mth", "/mth", NULL,
};
static const char *per_year_words[] = {
  "a year", "per year", "/year", "/yr", "annually", "per annum", "yearly", "each year",
  "every year", "an year", "pa ", "annual", "p/a", "p.a.", NULL,
};
static const char *per_day_words[] = {
  "a day", "per day", "/day", "daily", "each day", NULL,
};
static const char *per_week_words[] = {
  "a week", "per week", "/week", "/wk", "weekly", "each week", "every week", "a wk", "per wk", "pw ", NULL,
};

/* A period word at `p` ("5 years", "a 5-year loan"): its length in months. */
static gboolean
match_period (const char  *p,
              double      *out_months,
              const char **out_noun,
              const char **out_end)
{
  const char *w = (*p == '-') ? p + 1 : p;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (period_words); i++)
    if (starts_word (w, period_words[i].word))
      {
        *out_months = period_words[i].months;
        *out_noun = period_words[i].word;
        *out_end = w + strlen (period_words[i].word);
        return TRUE;
      }
  return FALSE;
}

/* A count noun at `p`, possibly one word on: "3 more staff", "200 paying
 * customers". Not across "per", "a" or "each": "18 per unit" is a price. */
static gboolean
match_count (const char  *p,
             const char **out_noun,
             const char **out_end)
{
  static const char *not_across[] = { "per", "a", "an", "each", "every", NULL };
  const char *w = skip_spaces (p);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (count_nouns); i++)
    {
      const char *after = w;
      int hop;

      if (g_strcmp0 (count_nouns[i].word, "new") == 0)
        continue;
      for (hop = 0; hop < 2; hop++)
        {
          guint k;
          gboolean stop = FALSE;

          if (starts_word (after, count_nouns[i].word))
            {
              *out_noun = count_nouns[i].word;
              *out_end = after + strlen (count_nouns[i].word);
              return TRUE;
            }
          for (k = 0; not_across[k] != NULL; k++)
            if (starts_word (after, not_across[k]))
              stop = TRUE;
          if (stop)
            break;
          while (g_ascii_isalpha (*after) || *after == '-')
            after++;
          after = skip_spaces (after);
        }
    }
  return FALSE;
}

/* Small numbers written as words count only before a period or a count
 * noun ("over three years", "two more staff"): elsewhere "one" is a pronoun. */
static const struct
{
  const char *word;
  double      value;
} number_words[] = {
  { "one", 1 }, { "two", 2 }, { "three", 3 }, { "four", 4 }, { "five", 5 }, { "six", 6 },
  { "seven", 7 }, { "eight", 8 }, { "nine", 9 }, { "ten", 10 }, { "eleven", 11 }, { "twelve", 12 },
  { "fifteen", 15 }, { "eighteen", 18 }, { "twenty", 20 }, { "thirty", 30 },
};

static WfQuantity *
word_quantity (const char  *lower,
               const char  *s)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (number_words); i++)
    if (starts_word (s, number_words[i].word))
      {
        const char *p = skip_spaces (s + strlen (number_words[i].word));
        const char *noun = NULL;
        double months = 0;
        WfQuantity *q;

        if (match_period (p, &months, &noun, &p))
          {
            q = g_new0 (WfQuantity, 1);
            q->kind = WF_QUERY_KIND_PERIOD;
            q->value = number_words[i].value * months;
          }
        else if (match_count (p, &noun, &p))
          {
            q = g_new0 (WfQuantity, 1);
            q->kind = WF_QUERY_KIND_COUNT;
            q->value = number_words[i].value;
          }
        else
          return NULL;
        q->raw = number_words[i].value;
        q->noun = g_strdup (noun);
        q->start = (int) (s - lower);
        q->end = (int) (p - lower);
        return q;
      }
  return NULL;
}

/* Where "a month", "a year"… would be after an amount: right after it, or
 * after one money noun ("6k profit a year", "£500 rent a month"), but not
 * "a year ago". Only nouns: in "50k cost per month" the 50k is not monthly. */
static const char *
per_words_at (const char *p)
{
  static const char *nouns[] = {
    "profit", "profits", "revenue", "rent", "salary", "wages", "income", "savings", "interest", "net",
    "extra", "gross", "turnover", "sales", "deposit", "deposits", "payment", "payments", "repayments",
    "contribution", "contributions", "fees", "overhead", "overheads", "cash", "margin", "earnings",
    "cashflow", "dividends", "royalties", NULL,
  };
  static const char *not_per[] = { "ago", "later", "from now", "time", NULL };
  const char *w = p;
  const char *after;
  int i;
  gboolean noun = FALSE;

  for (i = 0; nouns[i] != NULL; i++)
    if (starts_word (p, nouns[i]))
      noun = TRUE;
  if (!noun)
    return p;
  while (g_ascii_isalpha (*w))
    w++;
  after = skip_spaces (w);
  if (!(match_per (after, per_month_words) || match_per (after, per_year_words) ||
        match_per (after, per_day_words) || match_per (after, per_week_words)))
    return p;
  /* "a year ago": a date, not a rate */
  w = after;
  while (*w != '\0' && *w != ' ')
    w++;
  w = skip_spaces (w);
  while (g_ascii_isalpha (*w))
    w++;
  w = skip_spaces (w);
  for (i = 0; not_per[i] != NULL; i++)
    if (g_str_has_prefix (w, not_per[i]))
      return p;
  return after;
}

/* Parses one number at `s` (digits, thousands commas, one decimal point). */
static const char *
parse_number (const char *s,
              double     *out_value,
              gboolean   *out_had_comma)
{
  char buf[64];
  guint n = 0;
  gboolean dot = FALSE;
  const char *p = s;

  *out_had_comma = FALSE;
  while (*p != '\0' && n < sizeof buf - 1)
    {
      if (g_ascii_isdigit (*p))
        buf[n++] = *p++;
      else if (*p == ',' && n > 0 && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]) &&
               g_ascii_isdigit (p[3]) && !g_ascii_isdigit (p[4]))
        {
          *out_had_comma = TRUE;
          p++;
        }
      else if (*p == '.' && !dot && g_ascii_isdigit (p[1]))
        {
          dot = TRUE;
          buf[n++] = *p++;
        }
      else
        break;
    }
  buf[n] = '\0';
  *out_value = g_ascii_strtod (buf, NULL);
  /* A number too long for the buffer: skip the rest of its digits. Not the
   * comma or full stop after a number ("DSO of 45, DIO of 30"): what
   * follows it is another clause. */
  if (n == sizeof buf - 1)
    while (g_ascii_isdigit (*p) || *p == '.' || *p == ',')
      p++;
  return p;
}

GPtrArray *
wf_query_extract (const char *text)
{
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_quantity_free);
  g_autofree char *lower = NULL;
  const char *s;

  if (text == NULL)
    return found;

  lower = g_ascii_strdown (text, -1);
  s = lower;
  while (*s != '\0')
    {
      WfQuantity *q;
      const char *p;
      const char *start = s;
      gboolean currency = FALSE;   /* money: a symbol, a currency word or a multiplier */
      gboolean symbol = FALSE;     /* a symbol or a currency word */
      gboolean had_comma = FALSE;
      gboolean decided = FALSE;
      const char *noun = NULL;
      double months = 0;
      double value;
      double mult = 1.0;

      if (g_ascii_isalpha (*s) && (s == lower || !g_ascii_isalnum (s[-1])))
        {
          q = word_quantity (lower, s);
          if (q != NULL)
            {
              g_ptr_array_add (found, q);
              s = lower + q->end;
              continue;
            }
        }
      if (!(g_ascii_isdigit (*s) || (*s == '.' && g_ascii_isdigit (s[1]))) ||
          (s > lower && (g_ascii_isalpha (s[-1]) || g_ascii_isdigit (s[-1]))))
        {
          s++;
          continue;
        }

      /* Currency before the number: $, €, £ (UTF-8), possibly with a space. */
      p = s;
      while (p > lower && p[-1] == ' ')
        p--;
      if (p > lower && p[-1] == '$')
        currency = symbol = TRUE;
      else if (p - lower >= 3 && memcmp (p - 3, "\xe2\x82\xac", 3) == 0)
        currency = symbol = TRUE;
      else if (p - lower >= 2 && memcmp (p - 2, "\xc2\xa3", 2) == 0)
        currency = symbol = TRUE;
      if (p > lower && p[-1] == '-' && p - 1 > lower && !g_ascii_isalnum (p[-2]))
        start = p - 1;

      p = parse_number (s, &value, &had_comma);
      /* "6 and a half percent", "2 and a half years" */
      if (strncmp (skip_spaces (p), "and a half", 10) == 0 && !g_ascii_isalpha (skip_spaces (p)[10]))
        {
          value += 0.5;
          p = skip_spaces (p) + 10;
        }
      q = g_new0 (WfQuantity, 1);
      q->kind = WF_QUERY_KIND_NUMBER;
      q->raw = value;
      q->start = (int) (start - lower);

      p = skip_spaces (p);
      /* Multipliers: 40k, 1.2m, 40 thousand, 2bn. */
      if (starts_word (p, "k") || starts_word (p, "thousand") || starts_word (p, "grand"))
        {
          mult = 1e3;
          p += (*p == 'k') ? 1 : (*p == 't' ? 8 : 5);
          currency = TRUE;
        }
      else if (starts_word (p, "m") || starts_word (p, "mm") || starts_word (p, "mn") ||
               starts_word (p, "million"))
        {
          mult = 1e6;
          while (g_ascii_isalpha (*p))
            p++;
          currency = TRUE;
        }
      else if (starts_word (p, "bn") || starts_word (p, "b") || starts_word (p, "billion"))
        {
          mult = 1e9;
          while (g_ascii_isalpha (*p))
            p++;
          currency = TRUE;
        }
      value *= mult;
      p = skip_spaces (p);

      if (*p == '%' || starts_word (p, "percent") || starts_word (p, "per cent") ||
          starts_word (p, "pct"))
        {
          q->kind = WF_QUERY_KIND_PERCENT;
          q->value = value / 100.0;
          if (*p == '%')
            p++;
          else
            p += starts_word (p, "per cent") ? 8 : (starts_word (p, "pct") ? 3 : 7);
          decided = TRUE;
        }
      else if (starts_word (p, "dollars") || starts_word (p, "usd") || starts_word (p, "euros") ||
               starts_word (p, "eur") || starts_word (p, "pounds") || starts_word (p, "gbp") ||
               starts_word (p, "bucks"))
        {
          currency = symbol = TRUE;
          while (g_ascii_isalpha (*p))
            p++;
        }

      if (!decided && !currency && match_period (p, &months, &noun, &p))
        {
          q->kind = WF_QUERY_KIND_PERIOD;
          q->value = value * months;
          q->noun = g_strdup (noun);
          decided = TRUE;
        }
      /* "2k customers": a multiplier alone does not make it money. */
      if (!decided && !symbol && match_count (p, &noun, &p))
        {
          q->kind = WF_QUERY_KIND_COUNT;
          q->value = value;
          q->noun = g_strdup (noun);
          decided = TRUE;
        }
      if (!decided)
        {
          if (currency || had_comma || (value >= 1000 && !(value >= 1900 && value <= 2100 &&
                                                           value == floor (value))))
            q->kind = WF_QUERY_KIND_MONEY;
          q->value = value;
        }

      p = skip_spaces (p);
      if (strncmp (p, "each", 4) != 0)
        {
          const char *per = per_words_at (p);

          q->per_month = match_per (per, per_month_words);
          q->per_year = match_per (per, per_year_words);
          q->per_day = match_per (per, per_day_words);
          q->per_week = match_per (per, per_week_words);
          if (!q->per_month && !q->per_year && (starts_word (p, "apr") || starts_word (p, "apy")))
            q->per_year = TRUE;
        }

      q->end = (int) (p - lower);
      g_ptr_array_add (found, q);
      s = p > s ? p : s + 1;
    }

  return found;
}

/* "saves 2 hours a day at 12 an hour": the hours and the hourly rate are
 * one amount, 24 a day. Replaces the pair in QUANTITIES with it. */
static void
combine_hourly (const char *lower,
                GPtrArray  *quantities)
{
  static const char *hourly[] = { "an hour", "per hour", "/hour", "/hr", "an hr", "per hr", "hourly", NULL };
  guint i;

  for (i = 0; i + 1 < quantities->len; i++)
    {
      WfQuantity *first = g_ptr_array_index (quantities, i);
      WfQuantity *second = g_ptr_array_index (quantities, i + 1);
      /* "2 hours a day at 12 an hour" or "12 an hour for 40 hours a week" */
      gboolean rate_first = first->kind != WF_QUERY_KIND_COUNT;
      WfQuantity *hours = rate_first ? second : first;
      WfQuantity *rate = rate_first ? first : second;
      const char *after_rate = lower + rate->end;

      if (hours->kind != WF_QUERY_KIND_COUNT || !g_str_has_prefix (hours->noun, "h") ||
          !(hours->per_day || hours->per_week || hours->per_month || hours->per_year) ||
          (rate->kind != WF_QUERY_KIND_MONEY && rate->kind != WF_QUERY_KIND_NUMBER) ||
          !match_per (after_rate, hourly))
        continue;
      rate->value *= hours->value;
      rate->raw = rate->value;
      rate->kind = WF_QUERY_KIND_MONEY;
      rate->per_day = hours->per_day;
      rate->per_week = hours->per_week;
      rate->per_month = hours->per_month;
      rate->per_year = hours->per_year;
      rate->start = MIN (rate->start, hours->start);
      rate->end = MAX (rate->end, hours->end);
      g_ptr_array_remove_index (quantities, rate_first ? i + 1 : i);
    }
}

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
            if (starts_word (next, links[k]))
              link = TRUE;
          if (link)
            break;
          while (g_ascii_isalpha (*next) || *next == '-')
            next++;
          next = skip_spaces (next);
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

static gboolean
contains_word (const char *text,
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
    if (contains_word (lower, intent_words[i].pattern))
      scores[intent_words[i].intent] += intent_words[i].weight;

  /* Combinations that settle common ambiguities. */
  if (scores[WF_INTENT_LOAN_PAYOFF] > 0 && contains_word (lower, "how long"))
    scores[WF_INTENT_LOAN_PAYOFF] += 2;
  if (scores[WF_INTENT_CASH_RUNWAY] > 0 && contains_word (lower, "how long"))
    scores[WF_INTENT_CASH_RUNWAY] += 1;
  if (contains_word (lower, "how many months") && contains_word (lower, "cash"))
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
      !contains_word (lower, "monthly payment") && !contains_word (lower, "payment be"))
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
  if (scores[WF_INTENT_LOAN_PAYMENT] > 0 && contains_word (lower, "interest") &&
      !contains_word (lower, "loan") && !contains_word (lower, "borrow") &&
      (contains_word (lower, "earn") || contains_word (lower, "earning") || contains_word (lower, "savings") ||
       contains_word (lower, "deposit") || contains_word (lower, "invest")))
    scores[WF_INTENT_LOAN_PAYMENT] = MAX (0, scores[WF_INTENT_LOAN_PAYMENT] - 2);
  /* "how much will I pay back on a 12k loan" is the loan's total, not a payback period. */
  if (scores[WF_INTENT_PAYBACK] > 0 &&
      (contains_word (lower, "loan") || contains_word (lower, "mortgage") || contains_word (lower, "borrow")) &&
      !contains_word (lower, "itself") && !contains_word (lower, "themselves") &&
      !contains_word (lower, "payback") && !contains_word (lower, "recoup"))
    scores[WF_INTENT_PAYBACK] = MAX (0, scores[WF_INTENT_PAYBACK] - 4);
  /* "run out of stock" is about ordering, not cash. */
  if (scores[WF_INTENT_INVENTORY] >= 5 && scores[WF_INTENT_CASH_RUNWAY] > 0 &&
      !contains_word (lower, "cash") && !contains_word (lower, "money"))
    scores[WF_INTENT_CASH_RUNWAY] = 0;
}

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

static gboolean
has_any (const char  *window,
                const char **words)
{
  int i;

  for (i = 0; words[i] != NULL; i++)
    if (contains_word (window, words[i]))
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
  return q->kind == WF_QUERY_KIND_NUMBER && q->value <= 730 && contains_word (lower, "days");
}

/* The text between quantity I and its neighbours: BEFORE from the previous
 * one (at most 60 bytes, cut at a sentence end), AFTER up to the next one (at
 * most 40 bytes). */
static void
quantity_windows (const char  *lower,
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
static int
percent_role (const char *before,
              const char *after)
{
  int role = leading_role (after, percent_after, G_N_ELEMENTS (percent_after));

  if (role < 0)
    role = nearest_role (before, percent_before, G_N_ELEMENTS (percent_before), NULL);
  return role;
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
          quantity_windows (lower, quantities, i, &before, &after);
          role = percent_role (before, after);
          shape->percents++;
          if (role < 0 || role == WF_SLOT_RATE || role == WF_SLOT_DISCOUNT_RATE)
            shape->rate_percents++;
          else
            shape->other_percents++;
          if (q->per_month)
            shape->monthly_percents++;
          if (starts_word (skip_spaces (after), "apr"))
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
      if (has_any (lower, discounting))
        scores[WF_INTENT_NPV_IRR] += 3;
      else if (shape.rate_percents >= 1 && shape.periods >= 1 && has_any (lower, should))
        scores[WF_INTENT_NPV_IRR] += 3;
    }

  /* A loan in figures: "15,000 bucks, 4 years, 7% APR - monthly?" */
  if (shape.lump_money == 1 && shape.periodic == 0 && shape.rate_percents >= 1 && shape.periods >= 1 &&
      shape.other_percents == 0 && scores[WF_INTENT_SAVINGS_GROWTH] == 0 &&
      scores[WF_INTENT_TIME_VALUE] == 0 && !contains_word (lower, "compound") &&
      (shape.apr_percents >= 1 || has_any (lower, repayment) || has_any (lower, per_month_asked)))
    scores[WF_INTENT_LOAN_PAYMENT] += 3;

  /* A balance, an interest rate and a monthly payment, and "how long". */
  if (shape.lump_money >= 1 && shape.monthly == 1 && shape.periodic == 1 && shape.rate_percents >= 1 &&
      shape.other_percents == 0 && scores[WF_INTENT_SAVINGS_GROWTH] == 0 && has_any (lower, how_long))
    scores[WF_INTENT_LOAN_PAYOFF] += 3;

  /* "1.5% a month, what's that a year?": only a monthly rate. */
  if (shape.percents == 1 && shape.monthly_percents == 1 && shape.lump == 0 && shape.periodic == 0 &&
      shape.counts == 0 && shape.periods == 0 && loans == 0)
    scores[WF_INTENT_RATE_CONVERSION] += 3;

  /* A business's figures growing by a percentage: "1,200 customers growing 5% a month". */
  if (scores[WF_INTENT_GROWTH] > 0 && shape.lump + shape.counts >= 1 && shape.percents >= 1 &&
      shape.periodic == 0 && has_any (lower, business_nouns))
    scores[WF_INTENT_GROWTH] += 2;

  /* What an investment returns: a cost now, money every year, "what return". */
  if (shape.lump >= 1 && shape.periodic >= 1 && loans == 0 && has_any (lower, return_asked))
    scores[WF_INTENT_NPV_IRR] += 4;

  /* Cash in the bank, spending a month and "how long": a runway. */
  if (shape.lump_money >= 1 && shape.monthly >= 1 && shape.rate_percents == 0 && loans == 0 &&
      scores[WF_INTENT_SAVINGS_GROWTH] == 0 && scores[WF_INTENT_PAYBACK] == 0 &&
      scores[WF_INTENT_NPV_IRR] == 0 && has_any (lower, how_long))
    scores[WF_INTENT_CASH_RUNWAY] += 3;

  /* Two amounts, a period and no rate, "what's the return": the growth rate
   * from one to the other ("invested 80k 3 years ago, now worth 110k"). */
  if (shape.lump == 2 && shape.periodic == 0 && shape.percents == 0 && shape.periods == 1 && loans == 0 &&
      scores[WF_INTENT_NPV_IRR] == 0 && scores[WF_INTENT_PAYBACK] == 0 && has_any (lower, grew))
    scores[WF_INTENT_GROWTH] += 4;

  /* A monthly amount put in at a rate for some years, "how much": savings. */
  if (shape.lump <= 1 && shape.monthly == 1 && shape.periodic == 1 && shape.rate_percents == 1 &&
      shape.other_percents == 0 && shape.periods >= 1 && loans == 0 && scores[WF_INTENT_PAYBACK] == 0 &&
      scores[WF_INTENT_NPV_IRR] == 0 && scores[WF_INTENT_CASH_RUNWAY] == 0 && has_any (lower, how_much))
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
      !has_any (lower, business_nouns) && !has_any (lower, each_month))
    scores[WF_INTENT_TIME_VALUE] = MAX (MAX (scores[WF_INTENT_TIME_VALUE], 4),
                                        MAX (scores[WF_INTENT_GROWTH], scores[WF_INTENT_SAVINGS_GROWTH]) + 1);
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

static void
assign_roles (const char    *lower,
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

      quantity_windows (lower, quantities, i, &before, &after);
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
            role = percent_role (before, after);
            if (role == WF_SLOT_PRICE_CHANGE && has_any (before, negative_words))
              q->value = -fabs (q->value);
            /* "15% more customers" is customers gained: a negative loss. */
            if (role == WF_SLOT_CUSTOMER_LOSS && g_str_has_prefix (skip_spaces (after), "more"))
              q->value = -fabs (q->value);
            break;
          case WF_QUERY_KIND_COUNT:
            {
              guint k;

              for (k = 0; k < G_N_ELEMENTS (count_nouns); k++)
                if (g_strcmp0 (q->noun, count_nouns[k].word) == 0)
                  role = (int) count_nouns[k].slot;
              /* "and lose 20 clients": a share of the customers, below. */
              if (intent == WF_INTENT_PRICE_CHANGE && role == WF_SLOT_CUSTOMERS && has_any (before, lose_words))
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
        role = (contains_word (lower, "markup") || contains_word (lower, "mark up") ||
                contains_word (lower, "mark-up")) ? WF_SLOT_MARKUP : WF_SLOT_MARGIN;
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

      if (hit != NULL && contains_word (text, words[i]))
        best = MIN (best, (int) (hit - text));
    }
  return best;
}

/* The quantity the question asks for, when a template can report more than
 * one: it comes first in the answer. PARAMS holds what the question gave, so
 * a quantity given ("a 40% margin") is not taken for the one asked. */
static char *
detect_focus (const char          *lower,
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

        return has_any (lower, irr) ? g_strdup ("irr") : NULL;
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

        if (has_any (lower, interest))
          return g_strdup ("total_interest");
        if (has_any (lower, paid))
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

        if (has_any (lower, interest) && !has_any (lower, how_long))
          return g_strdup ("total_interest");
        return NULL;
      }
    case WF_INTENT_GROWTH:
      if (contains_word (lower, "doubl"))
        return g_strdup ("doubling");
      if (contains_word (lower, "cagr") || contains_word (lower, "compound annual growth") ||
          contains_word (lower, "went from") || contains_word (lower, "growth rate"))
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
        if (contains_word (lower, "future value"))
          return g_strdup ("fv");
        if (has_any (lower, today) || sum_due_later (lower))
          return g_strdup ("pv");
        /* "10k at 5% for 3 years": what it becomes. */
        return g_strdup ("fv");
      }
    case WF_INTENT_RATE_CONVERSION:
      if (contains_word (lower, "to apr") || contains_word (lower, "into apr") ||
          contains_word (lower, "nominal"))
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

        return has_any (lower, revenue) ? g_strdup ("revenue") : NULL;
      }
    case WF_INTENT_PRICE_CHANGE:
      {
        static const char *max_loss[] = {
          "how many customers can", "how many clients can", "how many can i lose", "how many can we lose",
          "afford to lose", "lose before", "how much volume can", "how many subscribers can", NULL,
        };

        return has_any (lower, max_loss) ? g_strdup ("max_loss") : NULL;
      }
    case WF_INTENT_PAYBACK:
      if (contains_word (lower, "how many months") || contains_word (lower, "in months"))
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
      if (contains_word (lower, "declining"))
        return g_strdup ("declining");
      return NULL;
    case WF_INTENT_WORKING_CAPITAL:
      {
        static const char *ccc[] = {
          "cash conversion cycle", "conversion cycle", "cash cycle", "ccc", "tied up", NULL,
        };
        static const char *dio[] = { "dio", "days inventory outstanding", "inventory days", "stock days", NULL };
        static const char *dpo[] = { "dpo", "days payables outstanding", "creditor days", NULL };

        if (has_any (lower, ccc))
          return g_strdup ("ccc");
        if (has_any (lower, dpo) && !wf_query_params_has (params, WF_SLOT_DPO_DAYS))
          return g_strdup ("dpo");
        if (has_any (lower, dio) && !wf_query_params_has (params, WF_SLOT_DIO_DAYS))
          return g_strdup ("dio");
        return NULL;
      }
    case WF_INTENT_INVENTORY:
      if (contains_word (lower, "reorder") || contains_word (lower, "when to order") ||
          contains_word (lower, "when should i order") || contains_word (lower, "when do i order"))
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

        if (contains_word (lower, "total"))
          return NULL;
        if (has_any (lower, monthly))
          return g_strdup ("monthly");
        if (has_any (lower, yearly))
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

        return has_any (lower, growth) ? g_strdup ("growth") : NULL;
      }
    case WF_INTENT_NONE:
    case WF_INTENT_CASH_RUNWAY:
    case WF_INTENT_GENERAL_MODEL:
    case WF_INTENT_LAST:
    default:
      return NULL;
    }
}

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

static GPtrArray *
clarify_options (const int            scores[WF_INTENT_LAST],
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
static void
hint_intents (const char *lower,
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
  return contains_word (lower, "instead") || contains_word (lower, "same but") ||
         contains_word (lower, "same thing");
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
  assign_roles (lower, quantities, intent, update);
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
    if (contains_word (lower, data_phrases[i]))
      return TRUE;
  for (gsize i = 0; dataset_names[i] != NULL; i++)
    {
      g_autofree char *name = g_utf8_strdown (dataset_names[i], -1);

      /* Very short names ("a", "q1") would match ordinary words. */
      if (strlen (name) < 3)
        continue;
      if (contains_word (lower, name))
        return TRUE;
      g_strdelimit (name, "_-", ' ');
      if (contains_word (lower, name))
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

  if (has_any (lower, market))
    return TRUE;
  for (i = 0; i < G_N_ELEMENTS (currencies); i++)
    for (k = 0; k < G_N_ELEMENTS (currencies[i]) && currencies[i][k] != NULL; k++)
      if (contains_word (lower, currencies[i][k]))
        {
          named++;
          break;
        }
  return named >= 2;
}

/* ---- German and Spanish ------------------------------------------------- */

/* The router's lexicon is English. A German or Spanish question is first
 * rewritten phrase by phrase into the English the router knows, and its
 * numbers into the English convention (40.000 → 40000, 7,5 → 7.5, 2 Mio. →
 * 2 million, 50 mil → 50 thousand), so the same intents and roles apply. Only
 * text that reads as German or Spanish is touched.
 *
 * In a phrase, '#' stands for an amount and '*' for the rest of a word
 * ("erhöh*": erhöhe, erhöhen, erhöht); in its translation '#' is the amount
 * again. German puts the verb last ("wenn ich die Preise um 10 % erhöhe"), so
 * the phrases with amounts put it back where English has it. At each word the
 * longest phrase that matches wins. */

typedef struct
{
  const char *from;   /* lower case, whole words */
  const char *to;
} Phrase;

static const Phrase german_phrases[] = {
  /* questions */
  { "wie hoch ist meine monatliche rate", "what is my monthly payment" },
  { "wie hoch ist die monatliche rate", "what is the monthly payment" },
  { "wie hoch ist meine rate", "what is my monthly payment" },
  { "wie hoch ist die rate", "what is the monthly payment" },
  { "wie hoch ist der", "what is the" }, { "wie hoch ist die", "what is the" }, { "wie hoch ist das", "what is the" },
  { "wie hoch ist meine", "what is my" }, { "wie hoch ist mein", "what is my" }, { "wie hoch ist", "what is" },
  { "wie hoch sind", "what are" }, { "wie hoch", "how high" },
  { "monatliche rate", "monthly payment" }, { "monatsrate", "monthly payment" },
  { "wie lange reicht mein geld", "how long will my cash last" },
  { "wie lange reicht das geld", "how long will the cash last" },
  { "wie lange reicht unser geld", "how long will our cash last" },
  { "wie lange reicht unsere liquidität", "how long will our cash last" },
  { "wie lange reicht meine liquidität", "how long will my cash last" },
  { "wie lange reicht die liquidität", "how long will the cash last" },
  { "wie lange reicht", "how long will it last" }, { "reicht das geld", "will the cash last" },
  { "wie viele monate reicht", "how many months will it last" },
  { "geht uns das geld aus", "do we run out of money" }, { "geht mir das geld aus", "do i run out of money" },
  { "geht das geld aus", "does the money run out" }, { "das geld ausgeht", "the money runs out" },
  { "uns das geld ausgeht", "we run out of money" }, { "mir das geld ausgeht", "i run out of money" },
  { "wie viel habe ich dann", "how much will i have" }, { "wie viel habe ich", "how much will i have" },
  { "wie viel hätte ich", "how much will i have" }, { "wie viel haben wir", "how much will we have" },
  { "wie lange dauert es", "how long until" }, { "wie lange brauche ich", "how long will it take" },
  { "wie lange brauchen wir", "how long will it take" }, { "wie lange dauert die", "how long is the" },
  { "wie lange", "how long" }, { "wann bin ich schuldenfrei", "when will i be debt free" },
  { "schuldenfrei", "debt free" },
  { "wie viel zinsen zahle ich", "how much interest do i pay" },
  { "wie viel zinsen zahlen wir", "how much interest do we pay" },
  { "wie viele zinsen zahle ich", "how much interest do i pay" },
  { "zahle ich an zinsen", "do i pay in interest" }, { "zinsen zahle ich", "interest do i pay" },
  { "wie viele muss ich verkaufen", "how many do i need to sell" },
  { "wie viele müssen wir verkaufen", "how many do we need to sell" },
  { "muss ich verkaufen", "do i need to sell" }, { "müssen wir verkaufen", "do we need to sell" },
  { "verkaufen muss", "need to sell" }, { "verkaufen müssen", "need to sell" },
  { "ab wie vielen stück", "how many units" }, { "ab wie viel stück", "how many units" },
  { "wie viele stück", "how many units" }, { "wie viele einheiten", "how many units" },
  { "wie viele", "how many" }, { "wie viel", "how much" }, { "wieviel", "how much" }, { "wieviele", "how many" },
  { "nach wie vielen jahren", "how many years until" }, { "nach wie vielen monaten", "how many months until" },
  { "was kostet mich", "what does it cost me" }, { "was kostet", "what is the cost of" },
  { "was kostet uns", "what does it cost us" },
  { "was passiert mit meinem gewinn", "what happens to my profit" },
  { "was passiert mit unserem gewinn", "what happens to our profit" },
  { "was passiert mit dem gewinn", "what happens to the profit" },
  { "was passiert mit", "what happens to" }, { "was passiert", "what happens" },
  { "welchen preis muss ich verlangen", "what should i charge" },
  { "welchen preis sollte ich verlangen", "what should i charge" },
  { "was muss ich verlangen", "what should i charge" }, { "was sollte ich verlangen", "what should i charge" },
  { "welchen preis", "what price" }, { "verlangen", "charge" },
  { "lohnt sich", "is it worth it" }, { "lohnt es sich", "is it worth it" }, { "rentiert sich", "is it worth it" },
  { "rechnet sich", "is it worth it" }, { "soll ich", "should i" }, { "sollte ich", "should i" },
  { "sollen wir", "should we" }, { "sollten wir", "should we" },
  { "welchem", "what" }, { "welchen", "what" }, { "welche", "what" }, { "welcher", "what" }, { "welches", "what" },
  { "wann", "when" }, { "wie", "how" }, { "was ist", "what is" }, { "was sind", "what are" },
  /* loans */
  { "abbezahlt", "paid off" }, { "abbezahlen", "pay off" }, { "zurückzahlen", "pay off" },
  { "abzubezahlen", "pay off" }, { "zurückzuzahlen", "pay off" }, { "abzuzahlen", "pay off" },
  { "abzahlen", "pay off" }, { "tilgen", "pay off" }, { "zu tilgen", "to pay off" },
  { "kreditkarte", "credit card" }, { "kredit", "loan" }, { "kredits", "loan" }, { "darlehen", "loan" },
  { "darlehens", "loan" }, { "ratenkredit", "loan" }, { "hypothek", "mortgage" }, { "baufinanzierung", "mortgage" },
  { "schulden", "debt" }, { "dispo", "overdraft" }, { "dispokredit", "overdraft" },
  { "einen kredit über", "a loan of" }, { "ein darlehen über", "a loan of" }, { "kredit über", "loan of" },
  { "darlehen über", "loan of" }, { "leihe", "borrow" }, { "leihen", "borrow" },
  { "zinssatz", "interest rate" }, { "zinsen", "interest" }, { "zins", "interest" },
  { "mit # zinsen", "at # interest" }, { "mit # % zinsen", "at # % interest" },
  { "laufzeit", "term" }, { "rate", "payment" }, { "raten", "payments" }, { "tilgung", "payment" },
  { "tilgungsrate", "payment" }, { "insgesamt", "in total" },
  { "zahle", "pay" }, { "zahlen", "pay" }, { "zahlt", "pays" }, { "bezahle", "pay" }, { "bezahlen", "pay" },
  /* investments */
  { "kapitalkosten", "cost of capital" }, { "kalkulationszins*", "discount rate" },
  { "diskontierungszins*", "discount rate" }, { "abzinsungssatz", "discount rate" }, { "diskontsatz", "discount rate" },
  { "kapitalwert", "npv" }, { "nettobarwert", "npv" }, { "nettokapitalwert", "npv" },
  { "interne* zinsfuß", "irr" }, { "interne* zinsfuss", "irr" }, { "rendite", "return" },
  { "investition", "investment" }, { "investitionen", "investments" }, { "investieren", "invest" },
  { "investiere", "invest" }, { "investiert", "invested" },
  { "einbringt", "brings in" }, { "einbringen", "bring in" }, { "bringt", "brings in" }, { "bringen", "bring in" },
  { "erwirtschaftet", "generates" }, { "abwirft", "returns" },
  { "spart", "saves" }, { "einspart", "saves" }, { "einsparen", "save" }, { "spart ein", "saves" },
  { "ersparnis", "saving" }, { "jahre lang", "years" }, { "jahren lang", "years" }, { "beträgt", "is" },
  { "betragen", "are" }, { "maschine", "machine" }, { "anlage", "equipment" },
  { "heute wert", "worth today" }, { "heute noch wert", "worth today" }, { "wert", "worth" },
  { "barwert", "present value" }, { "gegenwartswert", "present value" }, { "endwert", "future value" },
  { "zukunftswert", "future value" }, { "mit # % verzinst", "at # % interest" },
  { "zu # % verzinst", "at # % interest" }, { "verzinst", "at interest" },
  { "effektiv* jahreszins*", "effective annual rate" }, { "jahreszins*", "annual rate" },
  { "monatliche* verzinsung", "compounded monthly" }, { "verzinsung", "compounding" },
  { "monatlich verzinst", "compounded monthly" }, { "entsprechen", "is" }, { "entspricht", "is" },
  /* verb last in a relative clause: "die 6.000 € im Jahr spart" */
  { "# im jahr spart", "saves # a year" }, { "# pro jahr spart", "saves # per year" },
  { "# jährlich spart", "saves # annually" }, { "# im monat spart", "saves # a month" },
  { "# pro monat spart", "saves # per month" }, { "# monatlich spart", "saves # monthly" },
  { "# im jahr einspart", "saves # a year" }, { "# pro jahr einspart", "saves # per year" },
  { "# im monat einspart", "saves # a month" }, { "# pro monat einspart", "saves # per month" },
  { "# im jahr bringt", "brings in # a year" }, { "# pro jahr bringt", "brings in # per year" },
  { "# im monat bringt", "brings in # a month" }, { "# pro monat bringt", "brings in # per month" },
  { "# im jahr einbringt", "brings in # a year" }, { "# pro jahr einbringt", "brings in # per year" },
  { "# im monat einbringt", "brings in # a month" }, { "# pro monat einbringt", "brings in # per month" },
  { "# im jahr erwirtschaftet", "generates # a year" }, { "# pro jahr erwirtschaftet", "generates # per year" },
  { "# im monat ausgeben", "spend # a month" }, { "# im jahr ausgeben", "spend # a year" },
  { "# pro monat ausgeben", "spend # per month" }, { "# pro jahr ausgeben", "spend # per year" },
  { "# im monat ausgebe", "spend # a month" }, { "# pro monat ausgebe", "spend # per month" },
  { "# im monat verbrennen", "burn # a month" }, { "# pro monat verbrennen", "burn # per month" },
  { "# im monat zahle", "pay # a month" }, { "# pro monat zahle", "pay # per month" },
  { "# im monat spare", "save # a month" }, { "# pro monat spare", "save # per month" },
  { "# im monat anlege", "save # a month" }, { "# pro monat anlege", "save # per month" },
  { "# im monat zurücklege", "put away # a month" }, { "# pro monat zurücklege", "put away # per month" },
  { "um # % wächst", "grows by # %" }, { "um # % wachsen", "grow by # %" }, { "um # % steigt", "grows by # %" },
  { "um # % steigen", "grow by # %" }, { "um # % gestiegen", "grew by # %" }, { "um # % gewachsen", "grew by # %" },
  { "jedes jahr um # % wächst", "grows # % a year" }, { "jährlich um # % wächst", "grows # % a year" },
  { "pro jahr um # % wächst", "grows # % a year" }, { "im jahr um # % wächst", "grows # % a year" },
  { "jedes jahr um # % wachsen", "grow # % a year" }, { "jährlich um # % wachsen", "grow # % a year" },
  { "jedes jahr um # % steigt", "grows # % a year" }, { "jährlich um # % steigt", "grows # % a year" },
  { "ist er in", "will it be in" }, { "ist sie in", "will it be in" }, 
  { "sind sie in", "will they be in" },
  /* growth */
  { "von # auf #", "from # to #" }, { "wachstum*", "growth" }, { "wachstumsrate", "growth rate" },
  { "gestiegen", "grew" }, { "gewachsen", "grew" }, { "wächst", "grows" }, { "wachsen", "grow" },
  { "steigt", "grows" }, { "steigen", "grow" }, { "durchschnittliche* jährliche* wachstum*", "cagr" },
  { "jedes jahr um", "a year by" }, { "jedes jahr", "each year" }, { "jeden monat", "each month" },
  { "jährlich um", "a year by" }, { "pro jahr um", "a year by" }, { "im jahr um", "a year by" },
  { "umsatz", "revenue" }, { "umsätze", "revenue" }, { "einnahmen", "revenue" }, { "erlöse", "revenue" },
  { "gewinn", "profit" }, { "gewinne", "profits" },
  /* break-even */
  { "gewinnschwelle*", "break-even" }, { "break-even-punkt", "break-even point" },
  { "kostendeckung", "break even" }, { "die kosten zu decken", "to cover costs" },
  { "meine kosten zu decken", "to cover my costs" }, { "kosten decken", "cover costs" },
  { "fixkosten", "fixed costs" }, { "fixe* kosten", "fixed costs" }, { "variable* kosten", "variable cost" },
  { "stückkosten", "unit cost" }, { "herstellungskosten", "cost to make" },
  { "in der herstellung", "to make" }, { "in der produktion", "to make" }, { "in der fertigung", "to make" },
  { "einkaufspreis", "cost" }, { "verkaufspreis", "price" }, { "stückpreis", "unit price" },
  { "preis", "price" }, { "preise", "prices" }, { "preisen", "prices" }, { "kosten", "costs" },
  { "kostet", "costs" }, { "# kostet", "costs #" }, { "# kosten", "cost #" }, { "# kostet mich", "costs me #" }, { "kostet mich", "costs me" }, { "kosten mich", "cost me" },
  { "verkaufe", "sell" }, { "verkaufen", "sell" }, { "verkauft", "sold" },
  { "für # einkaufe", "buy for #" }, { "für # verkaufe", "sell for #" },
  { "für # einkaufen", "buy for #" }, { "für # verkaufen", "sell for #" },
  { "zu # einkaufe", "buy at #" }, { "zu # verkaufe", "sell at #" },
  { "kaufe für # ein", "buy for #" }, { "kaufe zu # ein", "buy at #" }, { "kaufe # ein", "buy #" },
  { "einkaufe", "buy" }, { "einkaufen", "buy" }, { "kaufe", "buy" }, { "kaufen", "buy" },
  { "stück", "units" }, { "pro stück", "per unit" }, { "je stück", "per unit" }, { "einheiten", "units" },
  /* prices and customers */
  { "die preise um # % erhöh*", "raise prices by # %" }, { "die preise um # % anheb*", "raise prices by # %" },
  { "die preise um # % senk*", "cut prices by # %" }, { "die preise um # % reduzier*", "cut prices by # %" },
  { "meine preise um # % erhöh*", "raise my prices by # %" }, { "meine preise um # % senk*", "cut my prices by # %" },
  { "unsere preise um # % erhöh*", "raise our prices by # %" }, { "unsere preise um # % senk*", "cut our prices by # %" },
  { "den preis um # % erhöh*", "raise the price by # %" }, { "den preis um # % senk*", "cut the price by # %" },
  { "preise um # % erhöh*", "raise prices by # %" }, { "preise um # % senk*", "cut prices by # %" },
  { "preise erhöh*", "raise prices" }, { "preise senk*", "cut prices" }, { "preiserhöhung", "price increase" },
  { "preissenkung", "price cut" },
  { "# % der kunden verlier*", "lose # % of customers" }, { "# % meiner kunden verlier*", "lose # % of my customers" },
  { "# % unserer kunden verlier*", "lose # % of our customers" }, { "# % der kunden", "# % of customers" },
  { "# % meiner kunden", "# % of my customers" }, { "# % weniger kunden", "# % fewer customers" },
  { "# % mehr kunden", "# % more customers" }, { "kunden verlier*", "lose customers" },
  { "verliere", "lose" }, { "verlieren", "lose" }, { "erhöhe", "raise" }, { "erhöhen", "raise" },
  { "senke", "cut" }, { "senken", "cut" }, { "kunden", "customers" }, { "kunde", "customer" },
  { "abonnenten", "subscribers" },
  /* cash */
  { "liquidität", "cash" }, { "in der kasse", "in the bank" }, { "kasse", "cash" }, { "kassenbestand", "cash" },
  { "auf der bank", "in the bank" }, { "auf dem konto", "in the bank" }, { "auf dem geschäftskonto", "in the bank" },
  { "kontostand", "bank balance" }, { "bargeld", "cash" }, { "rücklagen", "reserves" },
  { "ausgaben", "spending" }, { "verbrenne", "burn" }, { "verbrennen", "burn" }, { "gebe", "spend" },
  { "geben", "spend" }, { "ausgeben", "spend" }, { "geld", "cash" },
  /* payback */
  { "amortisiert sich", "pays for itself" }, { "sich amortisiert", "pays for itself" }, { "hat sich", "has" },
  { "amortisiert", "pays for itself" }, { "amortisation", "payback" }, { "amortisationszeit", "payback period" },
  { "amortisationsdauer", "payback period" }, { "macht sich bezahlt", "pays for itself" },
  { "sich bezahlt gemacht", "paid for itself" }, { "solaranlage", "solar panels" },
  /* margin and markup */
  { "marge", "margin" }, { "gewinnmarge", "margin" }, { "handelsspanne", "margin" }, { "bruttomarge", "gross margin" },
  { "aufschlag", "markup" }, { "preisaufschlag", "markup" }, { "kalkulationsaufschlag", "markup" },
  /* depreciation */
  { "lineare abschreibung", "straight-line depreciation" }, { "abschreibung*", "depreciation" },
  { "abschreiben", "depreciate" }, { "restwert", "salvage value" }, { "buchwert", "book value" },
  { "transporter", "van" }, { "lieferwagen", "van" },
  /* working capital and stock */
  { "forderungen", "receivables" }, { "verbindlichkeiten", "payables" }, { "lagerbestand", "inventory" },
  { "tage lagerbestand", "days of inventory" }, { "tage lager", "days of inventory" }, { "lager", "inventory" },
  { "lieferanten", "suppliers" }, { "kunden zahlen nach", "customers pay in" },
  { "kunden zahlen in", "customers pay in" }, { "zahle lieferanten nach", "pay suppliers in" },
  { "zahle die lieferanten nach", "pay suppliers in" }, { "zahlen lieferanten nach", "pay suppliers in" },
  { "geldumschlag", "cash conversion cycle" }, { "kapitalbindung*", "cash conversion cycle" },
  { "betriebskapital", "working capital" }, { "umlaufvermögen", "working capital" },
  { "optimale bestellmenge", "economic order quantity" }, { "bestellmenge", "order quantity" },
  { "pro bestellung", "per order" }, { "je bestellung", "per order" }, { "bestellkosten", "order cost" },
  { "lagerkosten", "to hold" }, { "lagerhaltungskosten", "to hold" }, { "meldebestand", "reorder point" },
  { "sicherheitsbestand", "safety stock" }, { "nachbestellen", "reorder" },
  /* hiring */
  { "ein neuer mitarbeiter", "a new employee" }, { "einen neuen mitarbeiter", "a new employee" },
  { "neuer mitarbeiter", "new employee" }, { "neuen mitarbeiter", "new employee" },
  { "mitarbeiter", "employees" }, { "mitarbeiterin", "employee" }, { "angestellte", "employees" },
  { "einstellen", "hire" }, { "einstelle", "hire" }, { "einzustellen", "hire" }, { "anstellen", "hire" },
  { "lohnnebenkosten", "payroll tax" }, { "sozialabgaben", "payroll tax" }, { "lohnkosten", "payroll" },
  { "personalkosten", "payroll" }, { "gehalt", "salary" }, { "bruttogehalt", "salary" }, { "lohn", "wage" },
  { "jahresgehalt", "salary" }, { "inklusive", "including" }, { "je", "each" },
  /* savings */
  { "sparen", "save" }, { "spare", "save" }, { "sparplan", "savings plan" }, { "anlege", "save" },
  { "anlegen", "save" }, { "lege", "put" }, { "zurück", "away" }, { "zurücklegen", "put away" },
  { "gespart", "in savings" }, { "erspart", "in savings" }, { "ersparnisse", "savings" },
  /* other money */
  { "aktien", "shares" }, { "aktie", "stock" }, { "dollar", "dollars" }, { "wechselkurs", "exchange rate" },
  /* periods */
  { "pro monat", "per month" }, { "im monat", "a month" }, { "monatlich", "monthly" }, { "monatliche", "monthly" },
  { "monatlichen", "monthly" }, { "pro jahr", "per year" }, { "im jahr", "a year" }, { "jährlich", "annually" },
  { "jährliche", "annual" }, { "jährlichen", "annual" }, { "pro woche", "per week" }, { "in der woche", "a week" },
  { "wöchentlich", "weekly" }, { "pro tag", "per day" }, { "am tag", "a day" },
  { "jahren", "years" }, { "jahre", "years" }, { "jahr", "year" },
  { "monaten", "months" }, { "monate", "months" }, { "monat", "month" },
  { "wochen", "weeks" }, { "tagen", "days" }, { "tage", "days" }, { "tag", "day" },
  { "heute", "today" }, { "morgen", "tomorrow" }, { "wetter", "weather" },
  /* small words */
  { "wenn", "if" }, { "falls", "if" }, { "dann", "then" }, { "nach", "after" }, { "um", "by" },
  { "über", "over" }, { "für", "for" }, { "zu", "at" }, { "bei", "at" }, { "von", "of" }, { "auf", "to" },
  { "mit", "with" }, { "ohne", "without" }, { "oder", "or" }, { "aber", "but" }, { "auch", "also" },
  { "einen", "a" }, { "eine", "a" }, { "ein", "a" }, { "einer", "a" }, { "einem", "a" }, { "eines", "a" },
  { "der", "the" }, { "die", "the" }, { "das", "the" }, { "den", "the" }, { "dem", "the" }, { "des", "the" },
  { "meine", "my" }, { "mein", "my" }, { "meinen", "my" }, { "meinem", "my" }, { "meiner", "my" },
  { "unser", "our" }, { "unsere", "our" }, { "unseren", "our" }, { "unserem", "our" }, { "unserer", "our" },
  { "ich", "i" }, { "wir", "we" }, { "sie", "they" }, { "es", "it" }, { "mich", "me" }, { "mir", "me" },
  { "uns", "us" }, { "habe", "have" }, { "haben", "have" }, { "hat", "has" }, { "und", "and" },
  { "ist", "is" }, { "sind", "are" }, { "will", "want" }, { "möchte", "want" }, { "brauche", "need" },
  { "mehr", "more" }, { "neue", "new" }, { "neuen", "new" },
};

static const Phrase spanish_phrases[] = {
  /* questions */
  { "cuánto pago al mes", "what is my monthly payment" },
  { "cuanto pago al mes", "what is my monthly payment" },
  { "cuál es la cuota mensual", "what is the monthly payment" },
  { "cual es la cuota mensual", "what is the monthly payment" },
  { "qué cuota pagaré", "what will my monthly payment be" }, { "que cuota pagaré", "what will my monthly payment be" },
  { "qué cuota pagaría", "what would my monthly payment be" }, { "qué cuota", "what monthly payment" },
  { "cuánto pagaré de cuota mensual", "what will my monthly payment be" },
  { "cuánto pagaré de cuota", "what will my monthly payment be" },
  { "cuota mensual", "monthly payment" }, { "pago mensual", "monthly payment" },
  { "cuánto tendré", "how much will i have" }, { "cuanto tendre", "how much will i have" },
  { "cuanto tendré", "how much will i have" }, { "cuánto ahorro tendré", "how much will i have" },
  { "cuánto tendremos", "how much will we have" },
  { "cuánto tiempo me dura el dinero", "how long will my cash last" },
  { "cuanto tiempo me dura el dinero", "how long will my cash last" },
  { "cuánto tiempo nos dura el dinero", "how long will our cash last" },
  { "me dura la caja", "will my cash last" }, { "nos dura la caja", "will our cash last" },
  { "me dura el dinero", "will my cash last" }, { "nos dura el dinero", "will our cash last" },
  { "me dura", "will it last" }, { "nos dura", "will it last" },
  { "nos quedamos sin caja", "do we run out of cash" }, { "nos quedamos sin dinero", "do we run out of money" },
  { "me quedo sin caja", "do i run out of cash" }, { "me quedo sin dinero", "do i run out of money" },
  { "quedarme sin", "run out of" }, { "quedarnos sin", "run out of" },
  { "cuánto tardo en pagar", "how long will it take to pay off" },
  { "cuanto tardo en pagar", "how long will it take to pay off" },
  { "cuánto tiempo tardo en pagar", "how long will it take to pay off" },
  { "cuánto tardaré en pagar", "how long will it take to pay off" },
  { "cuándo termino de pagar", "when will i pay off" }, { "termino de pagar", "pay off" },
  { "en cuánto tiempo", "how long until" }, { "en cuanto tiempo", "how long until" },
  { "cuánto tiempo", "how long" }, { "cuanto tiempo", "how long" },
  { "cuántos intereses pago", "how much interest do i pay" },
  { "cuántos intereses pagaré", "how much interest will i pay" },
  { "cuánto pago de intereses", "how much interest do i pay" },
  { "cuántas tengo que vender", "how many do i need to sell" }, { "cuántos tengo que vender", "how many do i need to sell" },
  { "cuántas necesito vender", "how many do i need to sell" }, { "cuántos necesito vender", "how many do i need to sell" },
  { "tengo que vender", "i need to sell" }, { "necesito vender", "i need to sell" },
  { "tenemos que vender", "we need to sell" }, { "cuántas unidades", "how many units" },
  { "cuántos meses", "how many months" }, { "cuántos años", "how many years" },
  { "cuántos", "how many" }, { "cuántas", "how many" }, { "cuantos", "how many" }, { "cuantas", "how many" },
  { "cuánto", "how much" }, { "cuanto", "how much" }, { "cuándo", "when" }, { "cuando", "when" },
  { "qué pasa con mi beneficio", "what happens to my profit" },
  { "qué pasa con el beneficio", "what happens to the profit" },
  { "qué pasa con mis beneficios", "what happens to my profit" },
  { "qué pasa con", "what happens to" }, { "qué pasa", "what happens" }, { "qué ocurre con", "what happens to" },
  { "qué precio pongo", "what should i charge" }, { "qué precio debo poner", "what should i charge" },
  { "qué precio cobro", "what should i charge" }, { "qué precio debo cobrar", "what should i charge" },
  { "cuánto debo cobrar", "what should i charge" }, { "cuánto cobro", "what should i charge" },
  { "vale la pena", "is it worth it" }, { "merece la pena", "is it worth it" }, { "compensa", "is it worth it" },
  { "cuál es", "what is" }, { "cual es", "what is" }, { "cuáles son", "what are" }, { "cuál", "what" },
  { "qué", "what" }, { "que", "that" },
  /* loans */
  { "tarjeta de crédito", "credit card" }, { "tarjeta de credito", "credit card" },
  { "pedir un préstamo", "borrow" }, { "pedir prestado", "borrow" },
  { "préstamo", "loan" }, { "prestamo", "loan" }, { "crédito", "loan" }, { "credito", "loan" },
  { "hipoteca", "mortgage" }, { "deuda", "debt" }, { "deudas", "debt" }, { "debo", "i owe" },
  { "tasa de interés", "interest rate" }, { "tipo de interés", "interest rate" },
  { "tasa de interes", "interest rate" }, { "tipo de interes", "interest rate" },
  { "intereses", "interest" }, { "interés", "interest" }, { "interes", "interest" },
  { "de interés", "interest" }, { "de interes", "interest" },
  { "plazo", "term" }, { "pagar", "pay off" }, { "pago", "pay" }, { "pagando", "paying" }, { "pagaré", "will i pay" },
  { "cuota", "payment" }, { "cuotas", "payments" }, { "en total", "in total" },
  /* investments */
  { "coste de capital", "cost of capital" }, { "costo de capital", "cost of capital" },
  { "tasa de descuento", "discount rate" }, { "tipo de descuento", "discount rate" },
  { "van", "npv" }, { "valor actual neto", "npv" }, { "tir", "irr" }, { "tasa interna de retorno", "irr" },
  { "rentabilidad", "return" }, { "invertir", "invest" }, { "invierto", "invest" }, { "inversión", "investment" },
  { "inversion", "investment" }, { "genera", "generates" }, { "devuelve", "returns" }, { "ahorra", "saves" },
  { "ahorraría", "would save" }, { "máquina", "machine" }, { "maquina", "machine" },
  { "valen hoy", "worth today" }, { "vale hoy", "worth today" }, { "valor actual", "present value" },
  { "valor presente", "present value" }, { "valor futuro", "future value" }, { "valdrán", "be worth" },
  { "valdrá", "be worth" }, { "dentro de", "in" }, { "recibiré", "receive" }, { "recibir", "receive" },
  { "tasa anual efectiva", "effective annual rate" }, { "tasa efectiva anual", "effective annual rate" },
  { "tae", "effective annual rate" }, { "corresponde a", "is" }, { "equivale a", "is" },
  { "capitalización mensual", "compounded monthly" }, { "capitalizable mensualmente", "compounded monthly" },
  /* growth */
  { "pasó de # a #", "went from # to #" }, { "pasaron de # a #", "went from # to #" },
  { "creció de # a #", "grew from # to #" }, { "crecieron de # a #", "grew from # to #" },
  { "subió de # a #", "grew from # to #" }, { "subieron de # a #", "grew from # to #" },
  { "ha pasado de # a #", "went from # to #" }, { "han pasado de # a #", "went from # to #" },
  { "facturación", "revenue" }, { "facturacion", "revenue" }, { "ventas", "sales" }, { "ingresos", "revenue" },
  { "crecimiento", "growth" }, { "crecen", "grow" }, { "crece", "grows" }, { "crecer", "grow" },
  { "creció", "grew" }, { "crecieron", "grew" }, { "serán", "will they be" }, { "será", "will it be" },
  { "beneficio", "profit" }, { "beneficios", "profits" }, { "ganancia", "profit" }, { "ganancias", "profits" },
  /* break-even, prices, customers */
  { "punto de equilibrio", "break-even point" }, { "punto muerto", "break-even point" },
  { "cubrir costes", "cover costs" }, { "cubrir costos", "cover costs" }, { "cubrir los costes", "cover costs" },
  { "cubrir gastos", "cover costs" }, { "cubrir", "cover" },
  { "costos fijos", "fixed costs" }, { "costes fijos", "fixed costs" }, { "gastos fijos", "fixed costs" },
  { "costo variable", "variable cost" }, { "coste variable", "variable cost" }, { "costes variables", "variable cost" },
  { "coste unitario", "unit cost" }, { "costo unitario", "unit cost" }, { "coste de fabricación", "cost to make" },
  { "costos", "costs" }, { "costes", "costs" }, { "coste", "cost" }, { "costo", "cost" },
  { "me cuestan", "cost me" }, { "me cuesta", "costs me" }, { "nos cuesta", "costs us" }, { "cuesta", "costs" },
  { "cuestan", "cost" }, { "vendo", "i sell" }, { "vender", "sell" }, { "vendemos", "we sell" }, { "compro", "i buy" },
  { "comprar", "buy" }, { "compramos", "we buy" }, { "precio", "price" }, { "precios", "prices" },
  { "subo los precios", "i raise prices" }, { "subir los precios", "raise prices" },
  { "subimos los precios", "we raise prices" }, { "bajo los precios", "i cut prices" },
  { "bajar los precios", "cut prices" }, { "bajamos los precios", "we cut prices" },
  { "subo el precio", "i raise my price" }, { "subir el precio", "raise the price" },
  { "bajo el precio", "i cut my price" }, { "bajar el precio", "cut the price" },
  { "subo mis precios", "i raise my prices" }, { "bajo mis precios", "i cut my prices" },
  { "un #", "by #" }, { "en un #", "by #" },
  { "el # % de los clientes", "# % of customers" }, { "el # % de mis clientes", "# % of my customers" },
  { "un # % de los clientes", "# % of customers" }, { "un # % de clientes", "# % of customers" },
  { "de los clientes", "of customers" }, { "pierdo", "lose" }, { "perder", "lose" }, { "perdemos", "lose" },
  { "clientes", "customers" }, { "cliente", "customer" }, { "unidades", "units" }, { "unidad", "unit" },
  { "por unidad", "per unit" },
  /* cash */
  { "en el banco", "in the bank" }, { "en la cuenta", "in the bank" }, { "en caja", "in cash" },
  { "caja", "cash" }, { "tesorería", "cash" }, { "liquidez", "cash" }, { "gasto", "burn" }, { "gastamos", "burn" },
  { "gastar", "spend" }, { "gastos", "spending" }, { "dinero", "cash" }, { "dura", "last" },
  /* payback */
  { "periodo de recuperación", "payback period" }, { "período de recuperación", "payback period" },
  { "plazo de recuperación", "payback period" }, { "se paga sola", "pays for itself" },
  { "se paga solo", "pays for itself" }, { "se amortiza", "pays for itself" },
  { "recupero la inversión", "get my money back" }, { "recuperar la inversión", "recoup the investment" },
  { "placas solares", "solar panels" },
  /* margin and markup */
  { "margen de beneficio", "margin" }, { "margen bruto", "gross margin" }, { "margen", "margin" },
  { "recargo", "markup" }, { "sobreprecio", "markup" },
  /* depreciation */
  { "amortización lineal", "straight-line depreciation" }, { "depreciación lineal", "straight-line depreciation" },
  { "amortización del préstamo", "loan repayment" }, { "amortización", "depreciation" },
  { "amortizacion", "depreciation" }, { "depreciación", "depreciation" }, { "depreciacion", "depreciation" },
  { "valor residual", "salvage value" }, { "valor contable", "book value" }, { "furgoneta", "van" },
  { "ordenador", "computer" },
  /* working capital and stock */
  { "mis clientes me pagan a", "my customers pay in" }, { "los clientes me pagan a", "customers pay in" },
  { "clientes me pagan a", "customers pay in" }, { "me pagan a", "get paid in" },
  { "pago a proveedores a", "pay suppliers in" }, { "pago a los proveedores a", "pay suppliers in" },
  { "pagamos a proveedores a", "pay suppliers in" }, { "proveedores", "suppliers" },
  { "días de inventario", "days of inventory" }, { "días de stock", "days of stock" }, { "inventario", "inventory" },
  { "existencias", "inventory" }, { "ciclo de caja", "cash conversion cycle" },
  { "ciclo de conversión de efectivo", "cash conversion cycle" }, { "ciclo de conversión de caja", "cash conversion cycle" },
  { "cuentas por cobrar", "receivables" }, { "cuentas por pagar", "payables" },
  { "periodo medio de cobro", "dso" }, { "fondo de maniobra", "working capital" },
  { "capital de trabajo", "working capital" }, { "capital circulante", "working capital" },
  { "tamaño óptimo de pedido", "economic order quantity" }, { "lote económico", "economic order quantity" },
  { "cantidad económica de pedido", "economic order quantity" }, { "por pedido", "per order" },
  { "coste de almacenamiento", "to hold" }, { "costo de almacenamiento", "to hold" },
  { "de coste de almacenamiento", "to hold" }, { "de costo de almacenamiento", "to hold" },
  { "pedido", "order" }, { "pedidos", "orders" }, { "punto de pedido", "reorder point" },
  { "stock de seguridad", "safety stock" },
  /* hiring */
  { "contratar a", "hire" }, { "contratar", "hire" }, { "contrato a", "i hire" }, { "contratamos a", "we hire" },
  { "un empleado", "an employee" }, { "empleado", "employee" }, { "empleados", "employees" },
  { "trabajadores", "employees" }, { "personas", "people" }, { "cargas sociales", "payroll tax" },
  { "seguridad social", "payroll tax" }, { "cotizaciones sociales", "payroll tax" },
  { "sueldo", "salary" }, { "salario", "salary" }, { "nómina", "payroll" },
  { "cada una", "each" }, { "cada uno", "each" }, { "coste total", "total cost" }, { "costo total", "total cost" },
  { "cuánto me cuesta", "what does it cost" }, { "cuánto nos cuesta", "what does it cost" },
  /* savings */
  { "ahorrar", "save" }, { "ahorro", "save" }, { "ahorramos", "save" }, { "ahorrado", "in savings" },
  { "ahorros", "savings" }, { "meto", "put away" }, { "aporto", "put away" },
  /* other money */
  { "acciones", "shares" }, { "dólares", "dollars" }, { "dolares", "dollars" }, { "en euros", "in euros" },
  { "tipo de cambio", "exchange rate" },
  /* periods */
  { "al mes", "a month" }, { "por mes", "per month" }, { "mensual", "monthly" }, { "mensuales", "a month" },
  { "mensualmente", "monthly" }, { "cada mes", "each month" }, { "al año", "a year" }, { "por año", "per year" },
  { "anual", "annual" }, { "anuales", "a year" }, { "anualmente", "annually" }, { "cada año", "each year" },
  { "a la semana", "a week" }, { "por semana", "per week" }, { "al día", "a day" }, { "por día", "per day" },
  { "años", "years" }, { "año", "year" }, { "meses", "months" }, { "mes", "month" },
  { "semanas", "weeks" }, { "días", "days" }, { "dias", "days" }, { "hoy", "today" },
  /* small words */
  { "si", "if" }, { "al", "at" }, { "durante", "over" }, { "por", "for" }, { "para", "for" }, { "de", "of" },
  { "del", "of the" }, { "con", "with" }, { "sin", "without" }, { "más", "plus" },
  { "un", "a" }, { "una", "a" }, { "mi", "my" }, { "mis", "my" }, { "nuestro", "our" }, { "nuestra", "our" },
  { "el", "the" }, { "la", "the" }, { "los", "the" }, { "las", "the" }, { "lo", "it" },
  { "tengo", "i have" }, { "tenemos", "we have" }, { "tiene", "has" }, { "quiero", "i want" },
  { "necesito", "i need" }, { "y", "and" }, { "es", "is" }, { "son", "are" }, { "en", "in" }, { "o", "or" },
  { "se", "it" }, { "me", "me" }, { "nos", "us" },
};

/* Words that only German or Spanish has: two of them make the question one. */
static const char *german_markers[] = {
  "kredit", "darlehen", "wie", "ist", "meine", "mein", "für", "über", "jahre", "jahren", "monate",
  "monaten", "einen", "eine", "ich", "wir", "und", "monatliche", "zinsen", "hypothek", "laufzeit",
  "der", "das", "den", "dem", "mit", "wenn", "nach", "sind", "habe", "haben", "unser", "unsere",
  "bei", "zu", "von", "pro", "monat", "jahr", "viel", "viele", "wieviel", "lohnt", "sich", "muss",
  "kosten", "preis", "preise", "kunden", "umsatz", "gewinn", "wird", "wetter", "morgen", "nicht", "oder",
  "auch", "sollte", "soll", "heute", "wann", "welche", "welchen", "welcher", "einer", "einem", "auf",
  "fixkosten", "stück", "geld", "mitarbeiter", "gehalt", "marge", "aufschlag", "abschreibung", "euro", NULL,
};

static const char *spanish_markers[] = {
  "préstamo", "prestamo", "cuánto", "cuanto", "cuántos", "cuántas", "cuántos", "pago", "al", "mes", "años",
  "por", "meses", "mi", "mis", "crédito", "hipoteca", "cuota", "interés", "intereses", "tengo", "tenemos",
  "durante", "de", "la", "el", "los", "las", "que", "qué", "con", "para", "y", "es", "un", "una", "del",
  "se", "cuál", "si", "año", "en", "quién", "ganó", "partido", "hoy", "cómo", "dónde", "precio", "clientes",
  "ventas", "dinero", "caja", "margen", "sueldo", "vendo", "compro", NULL,
};

static gboolean
is_word_char (const char *p)
{
  gunichar ch = g_utf8_get_char (p);

  return g_unichar_isalnum (ch) || ch == '-';
}

static guint
count_markers (char * const *words,
               const char  **markers)
{
  guint i, n = 0;

  for (i = 0; words[i] != NULL; i++)
    if (g_strv_contains (markers, words[i]))
      n++;
  return n;
}

/* 40.000 → 40000, 1.250.000,50 → 1250000.50, 7,5 → 7.5 */
static void
append_european_number (GString     *out,
                        const char **inout)
{
  const char *p = *inout;

  while (*p != '\0')
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (out, *p++);
      else if (*p == '.' && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]) && g_ascii_isdigit (p[3]) &&
               !g_ascii_isdigit (p[4]))
        p++;   /* thousands */
      else if (*p == ',' && g_ascii_isdigit (p[1]))
        {
          g_string_append_c (out, '.');
          p++;
        }
      else
        break;
    }
  *inout = p;
}

/* An amount at *INOUT: the number, then a multiplier ("2 Mio.", "50 mil",
 * "1,5 millones") and a currency ("€", "Euro"), appended to OUT in English
 * ("2 million euros"). FALSE when there is no number. */
static gboolean
append_foreign_amount (GString     *out,
                       const char **inout)
{
  static const Phrase multipliers[] = {
    { "mio.", " million" }, { "mio", " million" }, { "millionen", " million" }, { "million", " million" },
    { "mrd.", " billion" }, { "mrd", " billion" }, { "milliarden", " billion" }, { "tsd.", " thousand" },
    { "tausend", " thousand" }, { "millones", " million" }, { "millón", " million" }, { "millon", " million" },
    { "mill.", " million" }, { "mil", " thousand" },
  };
  static const Phrase currencies[] = {
    { "\xe2\x82\xac", " euros" }, { "euros", " euros" }, { "euro", " euros" }, { "eur", " eur" },
  };
  const char *p = *inout;
  const char *q;
  guint k;

  if (!g_ascii_isdigit (*p))
    return FALSE;
  append_european_number (out, &p);
  q = skip_spaces (p);
  for (k = 0; k < G_N_ELEMENTS (multipliers); k++)
    {
      gsize n = strlen (multipliers[k].from);

      if (strncmp (q, multipliers[k].from, n) == 0 &&
          (multipliers[k].from[n - 1] == '.' || q[n] == '\0' || !is_word_char (q + n)))
        {
          g_string_append (out, multipliers[k].to);
          p = q + n;
          q = skip_spaces (p);
          break;
        }
    }
  for (k = 0; k < G_N_ELEMENTS (currencies); k++)
    {
      gsize n = strlen (currencies[k].from);

      if (strncmp (q, currencies[k].from, n) == 0 && (k == 0 || q[n] == '\0' || !is_word_char (q + n)))
        {
          g_string_append (out, currencies[k].to);
          p = q + n;
          break;
        }
    }
  *inout = p;
  return TRUE;
}

/* Whether phrase FROM matches the text at P. On a match, *OUT_END is where
 * it ends and AMOUNTS has the amounts that stood for its '#', in order. */
static gboolean
match_phrase (const char  *p,
              const char  *from,
              const char **out_end,
              GPtrArray   *amounts)
{
  g_ptr_array_set_size (amounts, 0);
  while (*from != '\0')
    {
      if (*from == '#')
        {
          GString *amount = g_string_new (NULL);

          if (!append_foreign_amount (amount, &p))
            {
              g_string_free (amount, TRUE);
              return FALSE;
            }
          g_ptr_array_add (amounts, g_string_free (amount, FALSE));
          from++;
        }
      else if (*from == '*')
        {
          while (*p != '\0' && is_word_char (p))
            p = g_utf8_next_char (p);
          from++;
        }
      else if (*from == ' ')
        {
          if (*p != ' ')
            return FALSE;
          p = skip_spaces (p);
          from++;
        }
      else if (*p == *from)
        {
          p++;
          from++;
        }
      else
        return FALSE;
    }
  if (*p != '\0' && is_word_char (p))
    return FALSE;
  *out_end = p;
  return TRUE;
}

static char *
normalise_foreign (const char *text)
{
  g_autofree char *lower = g_utf8_strdown (text, -1);
  g_autofree char *spaced = g_strdup (lower);
  g_auto(GStrv) words = NULL;
  g_autoptr(GPtrArray) amounts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) best_amounts = g_ptr_array_new_with_free_func (g_free);
  const Phrase *phrases;
  gsize n_phrases;
  GString *out;
  guint de, es;
  const char *p;
  char *c;

  /* ¿ and ¡ are two bytes, the second of which is also in "á": not split on bytes. */
  for (c = spaced; *c != '\0'; c++)
    if ((guchar) c[0] == 0xc2 && ((guchar) c[1] == 0xbf || (guchar) c[1] == 0xa1))
      c[0] = c[1] = ' ';
  words = g_strsplit_set (spaced, " \t\r\n,.;:!?()", -1);
  de = count_markers (words, german_markers);
  es = count_markers (words, spanish_markers);
  if (de >= 2 && de > es)
    {
      phrases = german_phrases;
      n_phrases = G_N_ELEMENTS (german_phrases);
    }
  else if (es >= 2 && es > de)
    {
      phrases = spanish_phrases;
      n_phrases = G_N_ELEMENTS (spanish_phrases);
    }
  else
    return NULL;

  out = g_string_sized_new (strlen (lower) + 32);
  p = lower;
  while (*p != '\0')
    {
      gboolean at_word_start = p == lower || !is_word_char (g_utf8_prev_char (p));
      const Phrase *best = NULL;
      const char *best_end = p;
      gsize k;

      if (at_word_start && is_word_char (p))
        for (k = 0; k < n_phrases; k++)
          {
            const char *end;

            if (match_phrase (p, phrases[k].from, &end, amounts) && end > best_end)
              {
                GPtrArray *swap = best_amounts;

                best = &phrases[k];
                best_end = end;
                best_amounts = amounts;
                amounts = swap;
              }
          }
      if (best != NULL)
        {
          const char *t;
          guint n = 0;

          for (t = best->to; *t != '\0'; t++)
            if (*t == '#' && n < best_amounts->len)
              g_string_append (out, g_ptr_array_index (best_amounts, n++));
            else
              g_string_append_c (out, *t);
          p = best_end;
          continue;
        }
      if (at_word_start && append_foreign_amount (out, &p))
        continue;
      if (at_word_start && is_word_char (p))
        {
          /* Any other word is copied whole. */
          while (*p != '\0' && is_word_char (p))
            {
              const char *next = g_utf8_next_char (p);

              g_string_append_len (out, p, next - p);
              p = next;
            }
          continue;
        }
      if (strncmp (p, "\xc2\xbf", 2) == 0 || strncmp (p, "\xc2\xa1", 2) == 0)
        {
          p += 2;   /* ¿ ¡ */
          continue;
        }
      {
        const char *next = g_utf8_next_char (p);

        g_string_append_len (out, p, next - p);
        p = next;
      }
    }
  return g_string_free (out, FALSE);
}

/* ---- typos -------------------------------------------------------------- */

/* Misspellings owners type in a hurry, whole words only. The lexicon then
 * reads "intrest" as "interest" and "todays money" as "today's money". */
static const Phrase typos[] = {
  { "intrest", "interest" }, { "intrests", "interest" }, { "interst", "interest" }, { "interset", "interest" },
  { "intreset", "interest" }, { "monthy", "monthly" }, { "montly", "monthly" }, { "monthley", "monthly" },
  { "mortage", "mortgage" }, { "morgage", "mortgage" }, { "mortgauge", "mortgage" }, { "laon", "loan" },
  { "payed", "paid" }, { "repayements", "repayments" }, { "repayement", "repayment" },
  { "proffit", "profit" }, { "profitt", "profit" }, { "prfit", "profit" }, { "margain", "margin" },
  { "marign", "margin" }, { "mark-up", "markup" }, { "brake even", "break even" }, { "breakeven", "break-even" },
  { "reciveables", "receivables" }, { "recievables", "receivables" }, { "receiveables", "receivables" },
  { "supliers", "suppliers" }, { "suppliars", "suppliers" }, { "inventroy", "inventory" },
  { "invetory", "inventory" }, { "depreciaton", "depreciation" }, { "deprecation", "depreciation" },
  { "anual", "annual" }, { "anually", "annually" }, { "annualy", "annually" }, { "yearley", "yearly" },
  { "todays", "today's" }, { "cashflow", "cash flow" }, { "runaway", "runway" }, { "salery", "salary" },
  { "sallary", "salary" }, { "employe", "employee" }, { "investmnet", "investment" },
  { "invesment", "investment" }, { "retirment", "retirement" }, { "savigns", "savings" },
  { "buisness", "business" }, { "bussiness", "business" }, { "busines", "business" },
  { "pyament", "payment" }, { "paymnet", "payment" }, { "payemnt", "payment" },
  { "whats", "what's" }, { "hows", "how's" }, { "im", "i'm" }, { "ive", "i've" },
};

/* The text with its typos fixed, lower case; NULL when it has none. Byte
 * offsets change, so this runs before anything is extracted. */
static char *
normalise_typos (const char *text)
{
  g_autofree char *lower = g_ascii_strdown (text, -1);
  GString *out = g_string_sized_new (strlen (lower) + 16);
  gboolean changed = FALSE;
  const char *p = lower;

  while (*p != '\0')
    {
      gsize k;

      if (g_ascii_isalpha (*p) && (p == lower || !g_ascii_isalnum (p[-1])))
        {
          for (k = 0; k < G_N_ELEMENTS (typos); k++)
            {
              gsize n = strlen (typos[k].from);

              if (strncmp (p, typos[k].from, n) == 0 && !g_ascii_isalnum (p[n]) && p[n] != '\'')
                {
                  g_string_append (out, typos[k].to);
                  changed = changed || strcmp (typos[k].from, typos[k].to) != 0;
                  p += n;
                  break;
                }
            }
          if (k < G_N_ELEMENTS (typos))
            continue;
          while (g_ascii_isalnum (*p) || *p == '\'')
            g_string_append_c (out, *p++);
          continue;
        }
      g_string_append_c (out, *p++);
    }
  if (!changed)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
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
  foreign = normalise_foreign (text);
  if (foreign != NULL)
    text = foreign;
  typo_free = normalise_typos (text);
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
  combine_hourly (lower, quantities);
  if (wf_query_mentions_data (text, context->dataset_names))
    {
      route->decision = WF_ROUTE_DECISION_ROUTE;
      route->intent = WF_INTENT_GENERAL_MODEL;
      route->confidence = 0.9;
      route->reason = g_strdup (_("The question is about your imported data."));
      route->params = wf_query_params_new ();
      assign_roles (lower, quantities, WF_INTENT_GENERAL_MODEL, route->params);
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
    if (contains_word (lower, finance_lexicon[i]))
      lexicon_hits++;
  for (i = 0; i < G_N_ELEMENTS (weak_lexicon); i++)
    if (contains_word (lower, weak_lexicon[i]))
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
          route->options = clarify_options (scores, route->intent, route->params);
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
      assign_roles (lower, quantities, WF_INTENT_GENERAL_MODEL, route->params);
      return g_steal_pointer (&route);
    }

  if (scores[best] == 0)
    {
      route->params = wf_query_params_new ();
      assign_roles (lower, quantities, WF_INTENT_GENERAL_MODEL, route->params);
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
      assign_roles (lower, quantities, route->intent, route->params);
      route->params->focus = detect_focus (lower, route->intent, route->params);
      /* "how much should I put away each month to have 20k": the deposit is
       * what is asked, which the savings template cannot solve for. */
      if (route->intent == WF_INTENT_SAVINGS_GROWTH && quantities->len > 0 &&
          !wf_query_params_has (route->params, WF_SLOT_DEPOSIT) && has_any (lower, deposit_asked))
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
        hint_intents (lower, scores);
      /* "€8 of fixed costs" for a question in euros */
      if (*currency != '\0')
        memcpy (route->params->currency, currency, sizeof route->params->currency);
      route->options = clarify_options (scores, route->intent, route->params);
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
