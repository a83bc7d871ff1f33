/* wf-query-extract.c: numbers, amounts, rates, periods and counts in a question
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Finds each quantity in the lowercased question with its kind, its unit
 * (a month, a year, a day…), the noun it counts and its byte offsets.
 */
#define G_LOG_DOMAIN "wf-query-router"

#include "config.h"

#include "wf-query-router.h"
#include "wf-query-router-private.h"

#include <math.h>
#include <string.h>

void
wf_quantity_free (WfQuantity *quantity)
{
  if (quantity == NULL)
    return;
  g_free (quantity->noun);
  g_free (quantity);
}

/* ---- extraction ---------------------------------------------------------- */

/* s starts with `word` and the word ends there. */
gboolean
wf_query_starts_word (const char *s,
                      const char *word)
{
  size_t n = strlen (word);

  return strncmp (s, word, n) == 0 && !g_ascii_isalpha (s[n]);
}

const char *
wf_query_skip_spaces (const char *s)
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

const WfQuerySlotWord wf_query_count_nouns[] = {
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
const guint wf_query_n_count_nouns = G_N_ELEMENTS (wf_query_count_nouns);

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
    if (wf_query_starts_word (w, period_words[i].word))
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
  const char *w = wf_query_skip_spaces (p);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (wf_query_count_nouns); i++)
    {
      const char *after = w;
      int hop;

      if (g_strcmp0 (wf_query_count_nouns[i].word, "new") == 0)
        continue;
      for (hop = 0; hop < 2; hop++)
        {
          guint k;
          gboolean stop = FALSE;

          if (wf_query_starts_word (after, wf_query_count_nouns[i].word))
            {
              *out_noun = wf_query_count_nouns[i].word;
              *out_end = after + strlen (wf_query_count_nouns[i].word);
              return TRUE;
            }
          for (k = 0; not_across[k] != NULL; k++)
            if (wf_query_starts_word (after, not_across[k]))
              stop = TRUE;
          if (stop)
            break;
          while (g_ascii_isalpha (*after) || *after == '-')
            after++;
          after = wf_query_skip_spaces (after);
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
    if (wf_query_starts_word (s, number_words[i].word))
      {
        const char *p = wf_query_skip_spaces (s + strlen (number_words[i].word));
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
    if (wf_query_starts_word (p, nouns[i]))
      noun = TRUE;
  if (!noun)
    return p;
  while (g_ascii_isalpha (*w))
    w++;
  after = wf_query_skip_spaces (w);
  if (!(match_per (after, per_month_words) || match_per (after, per_year_words) ||
        match_per (after, per_day_words) || match_per (after, per_week_words)))
    return p;
  /* "a year ago": a date, not a rate */
  w = after;
  while (*w != '\0' && *w != ' ')
    w++;
  w = wf_query_skip_spaces (w);
  while (g_ascii_isalpha (*w))
    w++;
  w = wf_query_skip_spaces (w);
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
      if (strncmp (wf_query_skip_spaces (p), "and a half", 10) == 0 && !g_ascii_isalpha (wf_query_skip_spaces (p)[10]))
        {
          value += 0.5;
          p = wf_query_skip_spaces (p) + 10;
        }
      q = g_new0 (WfQuantity, 1);
      q->kind = WF_QUERY_KIND_NUMBER;
      q->raw = value;
      q->start = (int) (start - lower);

      p = wf_query_skip_spaces (p);
      /* Multipliers: 40k, 1.2m, 40 thousand, 2bn. */
      if (wf_query_starts_word (p, "k") || wf_query_starts_word (p, "thousand") || wf_query_starts_word (p, "grand"))
        {
          mult = 1e3;
          p += (*p == 'k') ? 1 : (*p == 't' ? 8 : 5);
          currency = TRUE;
        }
      else if (wf_query_starts_word (p, "m") || wf_query_starts_word (p, "mm") || wf_query_starts_word (p, "mn") ||
               wf_query_starts_word (p, "million"))
        {
          mult = 1e6;
          while (g_ascii_isalpha (*p))
            p++;
          currency = TRUE;
        }
      else if (wf_query_starts_word (p, "bn") || wf_query_starts_word (p, "b") || wf_query_starts_word (p, "billion"))
        {
          mult = 1e9;
          while (g_ascii_isalpha (*p))
            p++;
          currency = TRUE;
        }
      value *= mult;
      p = wf_query_skip_spaces (p);

      if (*p == '%' || wf_query_starts_word (p, "percent") || wf_query_starts_word (p, "per cent") ||
          wf_query_starts_word (p, "pct"))
        {
          q->kind = WF_QUERY_KIND_PERCENT;
          q->value = value / 100.0;
          if (*p == '%')
            p++;
          else
            p += wf_query_starts_word (p, "per cent") ? 8 : (wf_query_starts_word (p, "pct") ? 3 : 7);
          decided = TRUE;
        }
      else if (wf_query_starts_word (p, "dollars") || wf_query_starts_word (p, "usd") || wf_query_starts_word (p, "euros") ||
               wf_query_starts_word (p, "eur") || wf_query_starts_word (p, "pounds") || wf_query_starts_word (p, "gbp") ||
               wf_query_starts_word (p, "bucks"))
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

      p = wf_query_skip_spaces (p);
      if (strncmp (p, "each", 4) != 0)
        {
          const char *per = per_words_at (p);

          q->per_month = match_per (per, per_month_words);
          q->per_year = match_per (per, per_year_words);
          q->per_day = match_per (per, per_day_words);
          q->per_week = match_per (per, per_week_words);
          if (!q->per_month && !q->per_year && (wf_query_starts_word (p, "apr") || wf_query_starts_word (p, "apy")))
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
void
wf_query_combine_hourly (const char *lower,
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

