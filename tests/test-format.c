/* test-format.c: money, percent, periods and metric values for people
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <locale.h>
#include <math.h>

#include "wf-format.h"
#include "wf-chart.h"
#include "wf-assumptions.h"

#define assert_fmt(expr, expected) \
  G_STMT_START { \
    g_autofree char *s_ = (expr); \
    g_assert_cmpstr (s_, ==, (expected)); \
  } G_STMT_END

static void
use_c_locale (void)
{
  g_assert_nonnull (setlocale (LC_ALL, "C.UTF-8"));
}

static void
test_money_c (void)
{
  use_c_locale ();
  wf_format_set_currency ("USD");
  assert_fmt (wf_format_money (1234.5), "$1234.50");
  assert_fmt (wf_format_money (-20), "−$20.00");
  assert_fmt (wf_format_money (-0.001), "$0.00");
  assert_fmt (wf_format_money (NAN), "—");
  assert_fmt (wf_format_money (INFINITY), "—");
  wf_format_set_currency ("eur");
  assert_fmt (wf_format_money (3.456), "€3.46");
  wf_format_set_currency ("GBP");
  assert_fmt (wf_format_money (1e6), "£1000000.00");
  assert_fmt (wf_format_money_in (5, "JPY"), "¥5");
  /* Unknown codes are written out after the number. */
  assert_fmt (wf_format_money_in (5, "XYZ"), "5.00 XYZ");
  wf_format_set_currency (NULL);
}

static void
test_cost (void)
{
  use_c_locale ();
  assert_fmt (wf_format_cost_micros (522), "$0.000522");
  assert_fmt (wf_format_cost_micros (5000), "$0.005");
  assert_fmt (wf_format_cost_micros (10000), "$0.01");
  assert_fmt (wf_format_cost_micros (1234567), "$1.23");
  assert_fmt (wf_format_cost_micros (0), "$0.00");
  assert_fmt (wf_format_cost_micros (-5), "$0.00");
}

static void
test_currency_code (void)
{
  g_autofree char *code = NULL;

  use_c_locale ();
  wf_format_set_currency (NULL);
  /* The memory GSettings backend has the schema's default ('') → the locale;
   * C has no currency, so USD. */
  code = wf_format_currency_code ();
  g_assert_cmpstr (code, ==, "USD");
  {
    GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
    g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, "io.github.whatif.WhatIf", TRUE) : NULL;

    if (schema != NULL)
      {
        g_autoptr(GSettings) settings = g_settings_new ("io.github.whatif.WhatIf");

        g_settings_set_string (settings, "currency", "eur");
        g_free (code);
        code = wf_format_currency_code ();
        g_assert_cmpstr (code, ==, "EUR");
        {
          g_autofree char *m = wf_format_money (2);
          g_assert_cmpstr (m, ==, "€2.00");
        }
        /* Not a currency code: ignored, back to the locale's. */
        g_settings_set_string (settings, "currency", "euro");
        g_free (code);
        code = wf_format_currency_code ();
        g_assert_cmpstr (code, ==, "USD");
        g_settings_reset (settings, "currency");
      }
    else
      {
        g_test_message ("schema not installed: the setting is not checked");
      }
  }
  wf_format_set_currency ("chf");
  g_free (code);
  code = wf_format_currency_code ();
  g_assert_cmpstr (code, ==, "CHF");
  wf_format_set_currency (NULL);
}

static void
test_numbers_c (void)
{
  use_c_locale ();
  assert_fmt (wf_format_number (3), "3");
  assert_fmt (wf_format_number (3.5), "3.5");
  assert_fmt (wf_format_number (3.14159), "3.14");
  assert_fmt (wf_format_number (1234.56), "1235");
  assert_fmt (wf_format_number (-0.0001), "0");
  assert_fmt (wf_format_decimal (15500.5, 2), "15500.5");
  assert_fmt (wf_format_decimal (2.0, 2), "2");
  assert_fmt (wf_format_decimal (1.23456, 3), "1.235");
  assert_fmt (wf_format_decimal (-0.0001, 2), "0");
  assert_fmt (wf_format_decimal (1.5, 99), "1.5");
  assert_fmt (wf_format_decimal (NAN, 2), "—");
  assert_fmt (wf_format_fixed (250, 2), "250.00");
  assert_fmt (wf_format_fixed (-0.001, 2), "0.00");
  assert_fmt (wf_format_fixed (1.5, 9), "1.50");
  assert_fmt (wf_format_fixed (INFINITY, 2), "—");
  assert_fmt (wf_format_percent (0.125), "12.5 %");
  assert_fmt (wf_format_percent (0.05), "5 %");
  assert_fmt (wf_format_percent (1.5), "150 %");
  assert_fmt (wf_format_count (41.6), "42");
  assert_fmt (wf_format_months (1), "1 month");
  assert_fmt (wf_format_months (18), "18 months");
  assert_fmt (wf_format_months (2.5), "2.5 months");
  assert_fmt (wf_format_years (1), "1 year");
  assert_fmt (wf_format_years (30), "30 years");
  assert_fmt (wf_format_years (NAN), "—");
}

static void
test_units (void)
{
  use_c_locale ();
  wf_format_set_currency ("USD");
  assert_fmt (wf_format_value_with_unit (10, "USD"), "$10.00");
  assert_fmt (wf_format_value_with_unit (10, "EUR"), "€10.00");
  assert_fmt (wf_format_value_with_unit (10, "$"), "$10.00");
  /* Any symbol of the currency table that names one currency. */
  assert_fmt (wf_format_value_with_unit (10, "\xe2\x82\xac"), "\xe2\x82\xac" "10.00");
  assert_fmt (wf_format_value_with_unit (10, "CA$"), "CA$10.00");
  assert_fmt (wf_format_value_with_unit (10, "kr"), "10 kr");
  assert_fmt (wf_format_value_with_unit (10, "XYZ"), "10 XYZ");
  assert_fmt (wf_format_value_with_unit (12.5, "%"), "12.5 %");
  assert_fmt (wf_format_value_with_unit (0.125, "ratio"), "12.5 %");
  assert_fmt (wf_format_value_with_unit (7, "months"), "7 months");
  assert_fmt (wf_format_value_with_unit (2, "years"), "2 years");
  assert_fmt (wf_format_value_with_unit (2.25, NULL), "2.25");
  assert_fmt (wf_format_value_with_unit (2.25, ""), "2.25");
  assert_fmt (wf_format_value_with_unit (40, "kg"), "40 kg");
  assert_fmt (wf_format_value_with_unit (NAN, "kg"), "—");
  assert_fmt (wf_format_param (0.07, "percent", 100, NULL), "7 %");
  assert_fmt (wf_format_param (7.5, "percent", 1, NULL), "7.5 %");
  assert_fmt (wf_format_param (250, "money", 1, NULL), "$250.00");
  assert_fmt (wf_format_param (250, "money", 1, "EUR"), "€250.00");
  assert_fmt (wf_format_param (12, "months", 1, NULL), "12 months");
  assert_fmt (wf_format_param (12, "bogus", 1, NULL), "12");
  wf_format_set_currency (NULL);
}

static const char *
find_locale (const char *const *candidates)
{
  for (guint i = 0; candidates[i]; i++)
    if (setlocale (LC_ALL, candidates[i]) != NULL)
      return candidates[i];
  return NULL;
}

static void
test_money_german (void)
{
  static const char *const de[] = { "de_DE.UTF-8", "de_DE.utf8", "de_DE", NULL };

  if (find_locale (de) == NULL)
    {
      g_test_skip ("no German locale installed (locale -a)");
      use_c_locale ();
      return;
    }
  wf_format_set_currency ("EUR");
  assert_fmt (wf_format_money (1234.5), "1.234,50 €");
  assert_fmt (wf_format_percent (0.125), "12,5 %");
  assert_fmt (wf_format_number (3.5), "3,5");
  wf_format_set_currency ("USD");
  assert_fmt (wf_format_money (1234.5), "1.234,50 $");
  wf_format_set_currency (NULL);
  use_c_locale ();
}

static void
test_nice_ticks (void)
{
  double ticks[16];
  guint n;

  n = wf_chart_nice_ticks (0, 97, 6, ticks, G_N_ELEMENTS (ticks));
  g_assert_cmpuint (n, ==, 6);
  g_assert_cmpfloat (ticks[0], ==, 0);
  g_assert_cmpfloat (ticks[1], ==, 20);
  g_assert_cmpfloat (ticks[5], ==, 100);

  n = wf_chart_nice_ticks (-3.2, 7.9, 6, ticks, G_N_ELEMENTS (ticks));
  g_assert_cmpuint (n, >=, 3);
  g_assert_cmpfloat (ticks[0], <=, -3.2);
  g_assert_cmpfloat (ticks[n - 1], >=, 7.9);
  for (guint i = 0; i < n; i++)
    g_assert_cmpfloat (fabs (ticks[i] / 2.5 - round (ticks[i] / 2.5)), <, 1e-9);

  n = wf_chart_nice_ticks (0.1, 0.3, 5, ticks, G_N_ELEMENTS (ticks));
  g_assert_cmpuint (n, >=, 3);
  g_assert_cmpfloat (fabs (ticks[n - 1] - 0.3), <, 1e-12);

  /* Degenerate and hostile input. */
  g_assert_cmpuint (wf_chart_nice_ticks (5, 5, 6, ticks, G_N_ELEMENTS (ticks)), ==, 1);
  g_assert_cmpuint (wf_chart_nice_ticks (NAN, 5, 6, ticks, G_N_ELEMENTS (ticks)), ==, 0);
  g_assert_cmpuint (wf_chart_nice_ticks (0, INFINITY, 6, ticks, G_N_ELEMENTS (ticks)), ==, 0);
  n = wf_chart_nice_ticks (10, 0, 6, ticks, 3);
  g_assert_cmpuint (n, <=, 3);
}

static void
test_param_range (void)
{
  g_autoptr(WfParam) money = wf_param_new ("Rent", "money", 2500);
  g_autoptr(WfParam) pct = wf_param_new ("Growth", "percent", 0.05);
  g_autoptr(WfParam) bounded = wf_param_new ("Months", "months", 12);
  g_autoptr(WfParam) odd = wf_param_new ("X", "number", 500);
  double min, max, step;
  guint digits;

  wf_assumptions_param_range (money, &min, &max, &step, &digits);
  g_assert_cmpfloat (min, ==, 0);
  g_assert_cmpfloat (max, ==, 25000);
  g_assert_cmpfloat (step, ==, 10);
  g_assert_cmpuint (digits, ==, 0);

  wf_assumptions_param_range (pct, &min, &max, &step, &digits);
  g_assert_cmpfloat (min, ==, 0);
  g_assert_cmpfloat (max, ==, 1);
  g_assert_cmpuint (digits, ==, 1);

  bounded->min = 6;
  bounded->max = 36;
  bounded->step = 3;
  wf_assumptions_param_range (bounded, &min, &max, &step, &digits);
  g_assert_cmpfloat (min, ==, 6);
  g_assert_cmpfloat (max, ==, 36);
  g_assert_cmpfloat (step, ==, 3);

  /* Bounds that exclude the value are widened, reversed ones swapped. */
  odd->min = 100;
  odd->max = 10;
  wf_assumptions_param_range (odd, &min, &max, &step, &digits);
  g_assert_cmpfloat (min, ==, 10);
  g_assert_cmpfloat (max, ==, 500);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/format/money-c", test_money_c);
  g_test_add_func ("/format/currency-code", test_currency_code);
  g_test_add_func ("/format/cost", test_cost);
  g_test_add_func ("/format/numbers-c", test_numbers_c);
  g_test_add_func ("/format/units", test_units);
  g_test_add_func ("/format/money-german", test_money_german);
  g_test_add_func ("/format/nice-ticks", test_nice_ticks);
  g_test_add_func ("/format/param-range", test_param_range);

  return g_test_run ();
}
