/* wf-currency.c: which currency money is in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Detection reads a question the way the router does: anything may arrive
 * (NULL, megabytes, broken UTF-8), so the text is cut to
 * WF_CURRENCY_MAX_SCAN bytes, made valid, normalised and case-folded before
 * it is scanned once from the start. Every pattern is compared with ASCII
 * case-insensitivity against the folded text, which leaves multibyte
 * characters (€, ó, ł) byte for byte as they are. A letter at either end of
 * a pattern must end a word in the text too, so "euros" is a currency and
 * "Europe" or "neuro" are not.
 */
#define G_LOG_DOMAIN "wf-currency"

#include "config.h"

#include "wf-currency.h"

#include "wf-types.h"

#include <locale.h>
#include <string.h>

typedef struct
{
  const char *code;
  const char *symbol;   /* how money in it is shown */
  const char *sign;     /* nullable: the bare sign it is also written with, shared with others */
} Currency;

/* One table for both directions: wf_currency_symbol() reads code → symbol,
 * wf_currency_detect() reads symbol and code → code. A symbol that several
 * currencies share (kr) names none of them. */
static const Currency currencies[] = {
  { "USD", "$", "$" },
  { "EUR", "\xe2\x82\xac", NULL },          /* € */
  { "GBP", "\xc2\xa3", NULL },              /* £ */
  { "JPY", "\xc2\xa5", "\xc2\xa5" },        /* ¥ */
  { "CAD", "CA$", "$" },
  { "AUD", "A$", "$" },
  { "CHF", "CHF", NULL },
  { "INR", "\xe2\x82\xb9", NULL },          /* ₹ */
  { "CNY", "CN\xc2\xa5", "\xc2\xa5" },      /* CN¥ */
  { "SEK", "kr", NULL },
  { "NOK", "kr", NULL },
  { "DKK", "kr", NULL },
  { "PLN", "z\xc5\x82", NULL },             /* zł */
  { "BRL", "R$", NULL },
  { "MXN", "MX$", "$" },
};

typedef enum
{
  ALIAS_PLAIN,
  ALIAS_DOLLAR,   /* "Canadian dollars", "dólares australianos" */
  ALIAS_POUND,    /* also a weight: "per pound" is not money */
} AliasKind;

typedef struct
{
  const char *text;   /* lower case */
  const char *code;
  AliasKind   kind;
} Alias;

/* The other ways questions name a currency, in English, German and Spanish. */
static const Alias aliases[] = {
  { "us$", "USD", ALIAS_PLAIN }, { "c$", "CAD", ALIAS_PLAIN }, { "au$", "AUD", ALIAS_PLAIN },
  { "dollar", "USD", ALIAS_DOLLAR }, { "dollars", "USD", ALIAS_DOLLAR },
  { "d\xc3\xb3lar", "USD", ALIAS_DOLLAR }, { "d\xc3\xb3lares", "USD", ALIAS_DOLLAR },   /* dólar, dólares */
  { "dolar", "USD", ALIAS_DOLLAR }, { "dolares", "USD", ALIAS_DOLLAR },
  { "bucks", "USD", ALIAS_PLAIN },
  { "euro", "EUR", ALIAS_PLAIN }, { "euros", "EUR", ALIAS_PLAIN },
  { "pound", "GBP", ALIAS_POUND }, { "pounds", "GBP", ALIAS_POUND }, { "pfund", "GBP", ALIAS_POUND },
  { "libra", "GBP", ALIAS_POUND }, { "libras", "GBP", ALIAS_POUND },
  { "quid", "GBP", ALIAS_PLAIN }, { "sterling", "GBP", ALIAS_PLAIN },
  { "yen", "JPY", ALIAS_PLAIN },
  { "franc", "CHF", ALIAS_PLAIN }, { "francs", "CHF", ALIAS_PLAIN }, { "franken", "CHF", ALIAS_PLAIN },
  { "rupee", "INR", ALIAS_PLAIN }, { "rupees", "INR", ALIAS_PLAIN },
  { "yuan", "CNY", ALIAS_PLAIN }, { "rmb", "CNY", ALIAS_PLAIN }, { "renminbi", "CNY", ALIAS_PLAIN },
  { "zloty", "PLN", ALIAS_PLAIN }, { "zlotys", "PLN", ALIAS_PLAIN },
  { "z\xc5\x82oty", "PLN", ALIAS_PLAIN }, { "z\xc5\x82otych", "PLN", ALIAS_PLAIN },          /* złoty, złotych */
  { "peso", "MXN", ALIAS_PLAIN }, { "pesos", "MXN", ALIAS_PLAIN },
};

/* The word next to a dollar word that says which dollar (a prefix of it:
 * "kanadisch" covers kanadische, kanadischen, kanadischer). */
static const Alias dollar_qualifiers[] = {
  { "canadian", "CAD", ALIAS_PLAIN }, { "canadien", "CAD", ALIAS_PLAIN }, { "kanadisch", "CAD", ALIAS_PLAIN },
  { "australian", "AUD", ALIAS_PLAIN }, { "australisch", "AUD", ALIAS_PLAIN },
};

/* The word before "pound" that makes it a weight. */
static const char *weight_words[] = { "per", "por", "pro", "je", NULL };

gboolean
wf_currency_code_is_valid (const char *code)
{
  return code != NULL && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z' &&
         code[2] >= 'A' && code[2] <= 'Z' && code[3] == '\0';
}

char *
wf_currency_from_locale (void)
{
  const char *loc = setlocale (LC_MONETARY, NULL);
  struct lconv *lc;

  if (loc == NULL || g_str_equal (loc, "C") || g_str_has_prefix (loc, "C.")
      || g_str_equal (loc, "POSIX"))
    return g_strdup ("USD");
  lc = localeconv ();
  if (lc && lc->int_curr_symbol && strlen (lc->int_curr_symbol) >= 3)
    {
      g_autofree char *prefix = g_strndup (lc->int_curr_symbol, 3);
      char *code = g_ascii_strup (prefix, -1);

      if (wf_currency_code_is_valid (code))
        return code;
      g_free (code);
    }
  return g_strdup ("USD");
}

static const Currency *
find_currency (const char *code)
{
  if (code == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (currencies); i++)
    if (g_str_equal (currencies[i].code, code))
      return &currencies[i];
  return NULL;
}

static const char *
currency_sign (const char *code)
{
  const Currency *c = find_currency (code);

  return c != NULL ? c->sign : NULL;
}

const char *
wf_currency_symbol (const char *code)
{
  const Currency *c = find_currency (code);

  return c != NULL ? c->symbol : NULL;
}

static gboolean
symbol_is_shared (const char *symbol)
{
  guint n = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (currencies); i++)
    if (g_str_equal (currencies[i].symbol, symbol))
      n++;
  return n > 1;
}

const char *
wf_currency_for_symbol (const char *symbol)
{
  if (symbol == NULL || symbol_is_shared (symbol))
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (currencies); i++)
    if (g_str_equal (currencies[i].symbol, symbol))
      return currencies[i].code;
  return NULL;
}

const char *
wf_currency_of_metrics (GPtrArray *metrics)
{
  for (guint i = 0; metrics != NULL && i < metrics->len; i++)
    {
      const WfMetric *metric = g_ptr_array_index (metrics, i);
      const Currency *c;
      const char *code;

      if (metric == NULL || metric->unit == NULL)
        continue;
      c = wf_currency_code_is_valid (metric->unit) ? find_currency (metric->unit) : NULL;
      if (c != NULL)
        return c->code;
      code = wf_currency_for_symbol (metric->unit);
      if (code != NULL)
        return code;
    }
  return NULL;
}

static gboolean
is_letter (const char *p)
{
  return *p != '\0' && g_unichar_isalpha (g_utf8_get_char (p));
}

static gboolean
letter_before (const char *start,
               const char *p)
{
  const char *prev = p > start ? g_utf8_find_prev_char (start, p) : NULL;

  return prev != NULL && is_letter (prev);
}

/* The length of PATTERN when the text at P is it and, where PATTERN begins
 * or ends with a letter, a word begins or ends there; else 0. */
static gsize
match_pattern (const char *start,
               const char *p,
               const char *pattern)
{
  gsize n = strlen (pattern);

  if (n == 0 || g_ascii_strncasecmp (p, pattern, n) != 0)
    return 0;
  if (is_letter (pattern) && letter_before (start, p))
    return 0;
  if (is_letter (g_utf8_find_prev_char (pattern, pattern + n)) && is_letter (p + n))
    return 0;
  return n;
}

/* The word that ends at P (spaces before P skipped): its start, or NULL. */
static const char *
word_before (const char *start,
             const char *p,
             gsize      *out_len)
{
  const char *end = p;
  const char *w;

  while (end > start && end[-1] == ' ')
    end--;
  w = end;
  while (letter_before (start, w))
    w = g_utf8_find_prev_char (start, w);
  *out_len = (gsize) (end - w);
  return w < end ? w : NULL;
}

static gboolean
word_has_prefix (const char *word,
                 gsize       len,
                 const char *prefix)
{
  gsize n = strlen (prefix);

  return word != NULL && len >= n && strncmp (word, prefix, n) == 0;
}

/* "Canadian dollars", "kanadische Dollar", "dólares canadienses". */
static const char *
qualified_dollar (const char *start,
                  const char *p,
                  gsize       len)
{
  const char *after = p + len;
  const char *before;
  gsize before_len, after_len = 0;

  before = word_before (start, p, &before_len);
  while (*after == ' ')
    after++;
  while (is_letter (after + after_len))
    after_len = (gsize) (g_utf8_next_char (after + after_len) - after);
  for (gsize i = 0; i < G_N_ELEMENTS (dollar_qualifiers); i++)
    if (word_has_prefix (before, before_len, dollar_qualifiers[i].text) ||
        word_has_prefix (after, after_len, dollar_qualifiers[i].text))
      return dollar_qualifiers[i].code;
  return NULL;
}

typedef struct
{
  const char *code;
  gsize       len;
  const char *sign;   /* nullable: a bare sign several currencies are written with */
} Match;

/* The longest currency mention that starts at P. */
static gboolean
match_at (const char *start,
          const char *p,
          Match      *out)
{
  const Alias *alias = NULL;
  gsize n;

  out->code = NULL;
  out->len = 0;
  out->sign = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (currencies); i++)
    {
      const Currency *c = &currencies[i];

      if ((n = match_pattern (start, p, c->code)) > out->len)
        {
          out->code = c->code;
          out->len = n;
          out->sign = NULL;
        }
      if (!symbol_is_shared (c->symbol) && (n = match_pattern (start, p, c->symbol)) > out->len)
        {
          out->code = c->code;
          out->len = n;
          out->sign = g_strcmp0 (c->symbol, c->sign) == 0 ? c->sign : NULL;
        }
    }
  for (gsize i = 0; i < G_N_ELEMENTS (aliases); i++)
    if ((n = match_pattern (start, p, aliases[i].text)) > out->len)
      {
        alias = &aliases[i];
        out->code = alias->code;
        out->len = n;
        out->sign = NULL;
      }
  if (out->code == NULL)
    return FALSE;
  /* The aliases come last, so ALIAS is the longest match when set. */
  if (alias != NULL)
    {
      if (alias->kind == ALIAS_DOLLAR)
        {
          const char *which = qualified_dollar (start, p, out->len);

          if (which != NULL)
            out->code = which;
        }
      else if (alias->kind == ALIAS_POUND)
        {
          gsize len;
          const char *w = word_before (start, p, &len);

          for (guint i = 0; w != NULL && weight_words[i] != NULL; i++)
            if (len == strlen (weight_words[i]) && strncmp (w, weight_words[i], len) == 0)
              return FALSE;
        }
    }
  return TRUE;
}

/* TEXT cut to the scan limit, valid, composed and case-folded. */
static char *
fold_text (const char *text)
{
  gsize len = strnlen (text, WF_CURRENCY_MAX_SCAN);
  g_autofree char *valid = g_utf8_make_valid (text, (gssize) len);
  g_autofree char *composed = g_utf8_normalize (valid, -1, G_NORMALIZE_NFC);

  return g_utf8_casefold (composed != NULL ? composed : valid, -1);
}

gboolean
wf_currency_detect (const char *text,
                    char        out_code[4])
{
  g_autofree char *folded = NULL;
  const char *found = NULL;
  const char *weak_sign = NULL;
  const char *p;

  g_return_val_if_fail (out_code != NULL, FALSE);

  out_code[0] = '\0';
  if (text == NULL)
    return FALSE;
  folded = fold_text (text);
  p = folded;
  while (*p != '\0')
    {
      Match m;

      if (!match_at (folded, p, &m))
        {
          p = g_utf8_next_char (p);
          continue;
        }
      p += m.len;
      if (weak_sign == NULL && m.sign == NULL)
        {
          found = m.code;
          break;
        }
      if (weak_sign == NULL)
        {
          /* A bare $ or ¥: the currency it stands for unless a currency
           * written with the same sign is named after it ("$500 CAD"). */
          weak_sign = m.sign;
          found = m.code;
          continue;
        }
      if (m.sign == NULL && g_strcmp0 (currency_sign (m.code), weak_sign) == 0)
        {
          found = m.code;
          break;
        }
    }
  if (found == NULL)
    return FALSE;
  memcpy (out_code, found, 4);
  return TRUE;
}
