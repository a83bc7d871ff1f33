/* test-currency.c: the currency table, the locale default and the currency a question names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-currency"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "wf-currency.h"

typedef struct
{
  const char *text;
  const char *code;   /* "" for none */
} Detect;

static const Detect detects[] = {
  /* Symbols, before or after the number. */
  { "can I afford a \xe2\x82\xac" "40k van loan at 7.5% over 5 years?", "EUR" },
  { "Kredit \xc3\xbc" "ber 40.000 \xe2\x82\xac f\xc3\xbcr 5 Jahre", "EUR" },
  { "\xc2\xa3" "5,000 on my card", "GBP" },
  { "\xc2\xa5" "300,000 for a new oven", "JPY" },
  { "\xe2\x82\xb9" "5 lakh loan", "INR" },
  { "a 200 z\xc5\x82 bill", "PLN" },
  { "200z\xc5\x82", "PLN" },
  { "$40,000 at 10%", "USD" },
  /* Prefixed dollars beat the bare $ they end with. */
  { "CA$ 500 a month", "CAD" },
  { "C$500", "CAD" },
  { "A$300", "AUD" },
  { "AU$ 300", "AUD" },
  { "US$400", "USD" },
  { "R$ 40 mil", "BRL" },
  { "mx$100", "MXN" },
  { "CN\xc2\xa5 50", "CNY" },
  /* A bare $ or ¥ gives way to a later currency written with the same sign. */
  { "$500 CAD a month", "CAD" },
  { "$40,000 AUD", "AUD" },
  { "\xc2\xa5" "500 yuan", "CNY" },
  { "$500 or about 450 euros", "USD" },
  /* ISO codes as whole words, any case. */
  { "5000 GBP loan", "GBP" },
  { "5000GBP", "GBP" },
  { "EUR500", "EUR" },
  { "100 eur", "EUR" },
  { "200 Chf at 5%", "CHF" },
  { "500 sek", "SEK" },
  { "budget in NOK", "NOK" },
  { "DKK 2.000", "DKK" },
  { "jpy", "JPY" },
  { "cad 10", "CAD" },
  { "aud 10", "AUD" },
  { "inr 10", "INR" },
  { "cny 10", "CNY" },
  { "pln 10", "PLN" },
  { "brl 10", "BRL" },
  { "mxn 10", "MXN" },
  { "usd 10", "USD" },
  /* Words in English, German and Spanish. */
  { "40k dollars", "USD" },
  { "one dollar", "USD" },
  { "Kredit von 40.000 Euro", "EUR" },
  { "pr\xc3\xa9stamo de 30.000 euros", "EUR" },
  { "30.000 EUROS", "EUR" },
  { "5000 d\xc3\xb3lares", "USD" },
  { "5000 D\xc3\x93LARES", "USD" },     /* DÓLARES: folded, not byte-lowered */
  { "5000 dolares", "USD" },
  { "un d\xc3\xb3lar", "USD" },
  { "500 Canadian dollars", "CAD" },
  { "500 canadian dollar", "CAD" },
  { "500 kanadische Dollar", "CAD" },
  { "5000 d\xc3\xb3lares canadienses", "CAD" },
  { "500 Australian dollars", "AUD" },
  { "5000 d\xc3\xb3lares australianos", "AUD" },
  { "20 pounds", "GBP" },
  { "a pound", "GBP" },
  { "50 quid", "GBP" },
  { "200 Pfund", "GBP" },
  { "300 libras", "GBP" },
  { "sterling", "GBP" },
  { "10000 yen", "JPY" },
  { "300 francs", "CHF" },
  { "300 Franken", "CHF" },
  { "500 rupees", "INR" },
  { "a rupee", "INR" },
  { "1000 yuan", "CNY" },
  { "1000 RMB", "CNY" },
  { "1000 zloty", "PLN" },
  { "1000 z\xc5\x82otych", "PLN" },
  { "1000 pesos", "MXN" },
  { "20 bucks", "USD" },
  /* The first mention wins. */
  { "40 euros, not 40 dollars", "EUR" },
  { "\xc2\xa3" "10 or \xe2\x82\xac" "12", "GBP" },
  /* Not currencies: parts of other words, weights, nothing at all. */
  { "a 40k loan at 7% over 5 years", "" },
  { "expanding to Europe next year", "" },
  { "a neuro clinic", "" },
  { "neuros and europes", "" },
  { "eurozone", "" },
  { "eureka", "" },
  { "usda organic", "" },
  { "I sell coffee at 12 per pound", "" },
  { "verkaufe Kaffee je Pfund", "" },
  { "dollarama", "" },
  { "petrodollars", "" },
  { "candid audit", "" },
  { "Yenisei river", "" },
  { "", "" },
  { "12% over 5 years", "" },
};

static void
test_detect (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (detects); i++)
    {
      char code[4] = "XXX";
      gboolean found = wf_currency_detect (detects[i].text, code);

      g_test_message ("%s", detects[i].text);
      g_assert_cmpstr (code, ==, detects[i].code);
      g_assert_cmpint (found, ==, *detects[i].code != '\0');
    }
}

static void
test_detect_hostile (void)
{
  char code[4] = "XXX";
  g_autofree char *huge = NULL;
  g_autofree char *late = NULL;
  gsize n = 1024 * 1024;

  g_assert_false (wf_currency_detect (NULL, code));
  g_assert_cmpstr (code, ==, "");

  /* Invalid UTF-8 around a real mention. */
  g_assert_true (wf_currency_detect ("\xff\xfe\xc3 40 \xe2\x82 euros \x80", code));
  g_assert_cmpstr (code, ==, "EUR");
  g_assert_false (wf_currency_detect ("\xff\xfe\xc3\x28\xe2\x82", code));
  g_assert_cmpstr (code, ==, "");
  /* A € cut in half by the scan limit is no €. */
  huge = g_strnfill (n, 'a');
  memset (huge, ' ', WF_CURRENCY_MAX_SCAN);
  memcpy (huge + WF_CURRENCY_MAX_SCAN - 2, "\xe2\x82\xac", 3);
  g_assert_false (wf_currency_detect (huge, code));

  /* A megabyte of text: only the beginning is read. */
  memset (huge, 'x', n);
  memcpy (huge + 10, " $ ", 3);
  g_assert_true (wf_currency_detect (huge, code));
  g_assert_cmpstr (code, ==, "USD");
  late = g_strnfill (n, ' ');
  memcpy (late + n - 10, "euros", 5);
  g_assert_false (wf_currency_detect (late, code));
  g_assert_cmpstr (code, ==, "");

  /* Every byte value around a mention: no crash, no surprise ($ would be
   * the first mention). */
  for (guint b = 1; b < 256; b++)
    {
      char text[16];

      if (b == '$')
        continue;
      g_snprintf (text, sizeof text, "%c 5 gbp %c", (char) b, (char) b);
      g_assert_true (wf_currency_detect (text, code));
      g_assert_cmpstr (code, ==, "GBP");
    }
}

static void
test_symbol (void)
{
  g_assert_cmpstr (wf_currency_symbol ("USD"), ==, "$");
  g_assert_cmpstr (wf_currency_symbol ("EUR"), ==, "\xe2\x82\xac");
  g_assert_cmpstr (wf_currency_symbol ("GBP"), ==, "\xc2\xa3");
  g_assert_cmpstr (wf_currency_symbol ("CAD"), ==, "CA$");
  g_assert_cmpstr (wf_currency_symbol ("CHF"), ==, "CHF");
  g_assert_cmpstr (wf_currency_symbol ("SEK"), ==, "kr");
  g_assert_null (wf_currency_symbol ("XYZ"));
  g_assert_null (wf_currency_symbol ("usd"));
  g_assert_null (wf_currency_symbol (NULL));

  /* The other direction, from the same table. */
  g_assert_cmpstr (wf_currency_for_symbol ("$"), ==, "USD");
  g_assert_cmpstr (wf_currency_for_symbol ("\xe2\x82\xac"), ==, "EUR");
  g_assert_cmpstr (wf_currency_for_symbol ("CA$"), ==, "CAD");
  g_assert_cmpstr (wf_currency_for_symbol ("\xc2\xa5"), ==, "JPY");
  g_assert_null (wf_currency_for_symbol ("kr"));     /* three currencies */
  g_assert_null (wf_currency_for_symbol ("#"));
  g_assert_null (wf_currency_for_symbol (NULL));

  /* Every symbol in the table that names one currency names it back. */
  {
    static const char *codes[] = {
      "USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "INR", "CNY", "SEK", "NOK", "DKK", "PLN", "BRL", "MXN",
    };

    for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
      {
        const char *symbol = wf_currency_symbol (codes[i]);
        const char *back = wf_currency_for_symbol (symbol);

        g_assert_nonnull (symbol);
        g_assert_true (back == NULL || g_str_equal (back, codes[i]));
      }
  }
}

static void
test_code_is_valid (void)
{
  g_assert_true (wf_currency_code_is_valid ("EUR"));
  g_assert_true (wf_currency_code_is_valid ("XYZ"));
  g_assert_false (wf_currency_code_is_valid ("eur"));
  g_assert_false (wf_currency_code_is_valid ("EU"));
  g_assert_false (wf_currency_code_is_valid ("EURO"));
  g_assert_false (wf_currency_code_is_valid ("E\"R"));
  g_assert_false (wf_currency_code_is_valid ("\xc3\x89UR"));
  g_assert_false (wf_currency_code_is_valid (""));
  g_assert_false (wf_currency_code_is_valid (NULL));
}

static void
test_locale (void)
{
  g_autofree char *code = NULL;
  const char *others[] = { "de_DE.UTF-8", "en_GB.UTF-8", "ja_JP.UTF-8", NULL };

  /* C and POSIX have no currency: USD. */
  g_assert_nonnull (setlocale (LC_ALL, "C"));
  code = wf_currency_from_locale ();
  g_assert_cmpstr (code, ==, "USD");
  g_clear_pointer (&code, g_free);
  g_assert_nonnull (setlocale (LC_ALL, "POSIX"));
  code = wf_currency_from_locale ();
  g_assert_cmpstr (code, ==, "USD");
  g_clear_pointer (&code, g_free);
  if (setlocale (LC_ALL, "C.UTF-8") != NULL)
    {
      code = wf_currency_from_locale ();
      g_assert_cmpstr (code, ==, "USD");
      g_clear_pointer (&code, g_free);
    }

  /* A real region's locale, where one is installed, gives a valid code. */
  for (guint i = 0; others[i] != NULL; i++)
    {
      if (setlocale (LC_MONETARY, others[i]) == NULL)
        {
          g_test_message ("locale %s not installed", others[i]);
          continue;
        }
      code = wf_currency_from_locale ();
      g_test_message ("%s: %s", others[i], code);
      g_assert_true (wf_currency_code_is_valid (code));
      g_clear_pointer (&code, g_free);
    }
  setlocale (LC_ALL, "C");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/currency/detect", test_detect);
  g_test_add_func ("/currency/detect-hostile", test_detect_hostile);
  g_test_add_func ("/currency/symbol", test_symbol);
  g_test_add_func ("/currency/code-is-valid", test_code_is_valid);
  g_test_add_func ("/currency/locale", test_locale);

  return g_test_run ();
}
