/* wf-format.c: numbers, money and durations for people, in their locale
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * printf's "'" flag gives the locale's LC_NUMERIC grouping and decimal point,
 * which is simple and right for the currencies we care about; the symbol and
 * its position come from a small table, since localeconv's LC_MONETARY symbol
 * belongs to the region's currency, not the one the user picked.
 */
#define G_LOG_DOMAIN "wf-format"

#include "config.h"

#include "wf-format.h"

#include "wf-currency.h"
#include "wf-types.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <locale.h>
#include <math.h>
#include <string.h>

static char *currency_override;

void
wf_format_set_currency (const char *code)
{
  g_free (currency_override);
  currency_override = (code && *code) ? g_ascii_strup (code, -1) : NULL;
}

char *
wf_format_currency_code (void)
{
  GSettingsSchemaSource *source;
  g_autoptr(GSettingsSchema) schema = NULL;

  if (currency_override)
    return g_strdup (currency_override);

  /* Looked up first so a missing schema (a test, the CLI) is no abort. */
  source = g_settings_schema_source_get_default ();
  if (source)
    schema = g_settings_schema_source_lookup (source, "io.github.whatif.WhatIf", TRUE);
  if (schema && g_settings_schema_has_key (schema, "currency"))
    {
      g_autoptr(GSettings) settings = g_settings_new ("io.github.whatif.WhatIf");
      g_autofree char *code = g_settings_get_string (settings, "currency");

      if (code != NULL)
        {
          g_autofree char *upper = g_ascii_strup (code, -1);

          if (wf_currency_code_is_valid (upper))
            return g_steal_pointer (&upper);
        }
    }
  return wf_currency_from_locale ();
}

/* The decimal separator of LC_NUMERIC decides where the symbol goes: locales
 * writing "1.234,50" (most of Europe) also write the symbol after. */
static gboolean
locale_uses_comma (void)
{
  struct lconv *lc = localeconv ();

  return lc && lc->decimal_point && g_str_equal (lc->decimal_point, ",");
}

static char *
grouped (double value,
         int    decimals)
{
  char *s;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  switch (decimals)
    {
    case 0:
      s = g_strdup_printf ("%'.0f", value);
      break;
    case 1:
      s = g_strdup_printf ("%'.1f", value);
      break;
    default:
      s = g_strdup_printf ("%'.2f", value);
      break;
    }
  G_GNUC_END_IGNORE_DEPRECATIONS
  /* "-0" is a rounding artefact nobody wants to read. */
  if (g_str_has_prefix (s, "-") && strspn (s + 1, "0.,") == strlen (s + 1))
    {
      char *t = g_strdup (s + 1);
      g_free (s);
      s = t;
    }
  return s;
}

char *
wf_format_money_in (double      value,
                    const char *code)
{
  const char *symbol;
  g_autofree char *digits = NULL;
  gboolean negative;
  int decimals;

  if (!isfinite (value))
    return g_strdup ("—");
  if (code == NULL || *code == '\0')
    code = "USD";
  decimals = g_str_equal (code, "JPY") ? 0 : 2;
  negative = value < 0 && fabs (value) >= (decimals ? 0.005 : 0.5);
  digits = grouped (fabs (value), decimals);
  symbol = wf_currency_symbol (code);

  if (symbol == NULL)
    return g_strdup_printf ("%s%s %s", negative ? "−" : "", digits, code);
  if (locale_uses_comma ())
    return g_strdup_printf ("%s%s %s", negative ? "−" : "", digits, symbol);
  return g_strdup_printf ("%s%s%s", negative ? "−" : "", symbol, digits);
}

char *
wf_format_money (double value)
{
  g_autofree char *code = wf_format_currency_code ();

  return wf_format_money_in (value, code);
}

static int
decimals_for (double value)
{
  double a = fabs (value);

  if (a == floor (a))
    return 0;
  if (a >= 100)
    return 0;
  if (a >= 10)
    return 1;
  return 2;
}

static char *
trim_zeros (char *s)
{
  struct lconv *lc = localeconv ();
  const char *dp = (lc && lc->decimal_point && *lc->decimal_point) ? lc->decimal_point : ".";
  char *point = strstr (s, dp);

  if (point)
    {
      char *end = s + strlen (s);
      while (end > point + 1 && end[-1] == '0')
        *--end = '\0';
      if (end == point + strlen (dp))
        *point = '\0';
    }
  return s;
}

char *
wf_format_number (double value)
{
  if (!isfinite (value))
    return g_strdup ("—");
  return trim_zeros (grouped (value, decimals_for (value)));
}

char *
wf_format_fixed (double value,
                 guint  decimals)
{
  if (!isfinite (value))
    return g_strdup ("—");
  return grouped (value, (int) MIN (decimals, 2u));
}

char *
wf_format_decimal (double value,
                   guint  max_decimals)
{
  char *s;

  if (!isfinite (value))
    return g_strdup ("—");
  max_decimals = MIN (max_decimals, 6u);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  s = g_strdup_printf ("%'.*f", (int) max_decimals, value);
  G_GNUC_END_IGNORE_DEPRECATIONS
  s = trim_zeros (s);
  if (s[0] == '-' && strspn (s + 1, "0") == strlen (s + 1))
    {
      char *t = g_strdup (s + 1);
      g_free (s);
      s = t;
    }
  return s;
}

char *
wf_format_percent (double fraction)
{
  g_autofree char *n = NULL;

  if (!isfinite (fraction))
    return g_strdup ("—");
  n = trim_zeros (grouped (fraction * 100.0, fabs (fraction) >= 1.0 ? 1 : 2));
  /* TRANSLATORS: a percentage, e.g. "12.5 %"; %s is the number */
  return g_strdup_printf (_("%s %%"), n);
}

char *
wf_format_count (double value)
{
  if (!isfinite (value))
    return g_strdup ("—");
  return grouped (round (value), 0);
}

char *
wf_format_months (double value)
{
  g_autofree char *n = NULL;

  if (!isfinite (value))
    return g_strdup ("—");
  n = wf_format_number (value);
  if (value == floor (value) && fabs (value) < 1e9)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s month", "%s months",
                                         (gulong) fabs (value)), n);
  return g_strdup_printf (_("%s months"), n);
}

char *
wf_format_years (double value)
{
  g_autofree char *n = NULL;

  if (!isfinite (value))
    return g_strdup ("—");
  n = wf_format_number (value);
  if (value == floor (value) && fabs (value) < 1e9)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s year", "%s years",
                                         (gulong) fabs (value)), n);
  return g_strdup_printf (_("%s years"), n);
}

static gboolean
is_currency_unit (const char *unit,
                  char      **out_code)
{
  const char *code = wf_currency_for_symbol (unit);

  if (code != NULL)
    {
      *out_code = g_strdup (code);
      return TRUE;
    }
  if (wf_currency_code_is_valid (unit) && wf_currency_symbol (unit) != NULL)
    {
      *out_code = g_strdup (unit);
      return TRUE;
    }
  if (g_ascii_strcasecmp (unit, "money") == 0 || g_ascii_strcasecmp (unit, "currency") == 0)
    {
      *out_code = wf_format_currency_code ();
      return TRUE;
    }
  return FALSE;
}

char *
wf_format_value_with_unit (double      value,
                           const char *unit)
{
  g_autofree char *code = NULL;
  g_autofree char *n = NULL;

  if (unit == NULL || *unit == '\0')
    return wf_format_number (value);
  if (is_currency_unit (unit, &code))
    return wf_format_money_in (value, code);
  if (g_str_equal (unit, "%") || g_ascii_strcasecmp (unit, "percent") == 0)
    return wf_format_percent (value / 100.0);
  if (g_ascii_strcasecmp (unit, "ratio") == 0)
    return wf_format_percent (value);
  if (g_ascii_strcasecmp (unit, "months") == 0 || g_ascii_strcasecmp (unit, "month") == 0)
    return wf_format_months (value);
  if (g_ascii_strcasecmp (unit, "years") == 0 || g_ascii_strcasecmp (unit, "year") == 0)
    return wf_format_years (value);
  if (g_ascii_strcasecmp (unit, "count") == 0)
    return wf_format_count (value);
  n = wf_format_number (value);
  if (!isfinite (value))
    return g_steal_pointer (&n);
  return g_strdup_printf ("%s %s", n, unit);
}

char *
wf_format_param (double      value,
                 const char *kind,
                 double      percent_scale,
                 const char *currency)
{
  if (kind == NULL)
    return wf_format_number (value);
  if (g_str_equal (kind, "money"))
    return currency != NULL ? wf_format_money_in (value, currency) : wf_format_money (value);
  if (g_str_equal (kind, "percent"))
    return wf_format_percent (value * percent_scale / 100.0);
  if (g_str_equal (kind, "count"))
    return wf_format_count (value);
  if (g_str_equal (kind, "months"))
    return wf_format_months (value);
  if (g_str_equal (kind, "years"))
    return wf_format_years (value);
  return wf_format_number (value);
}

char *
wf_format_cost_micros (gint64 micros)
{
  double usd = wf_micros_to_usd (micros);
  g_autofree char *digits = NULL;

  if (micros <= 0 || micros >= 10000)
    return wf_format_money_in (usd, "USD");
  /* Below a cent: up to six decimals, trailing zeros dropped ($0.000522). */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  digits = trim_zeros (g_strdup_printf ("%.6f", usd));
  G_GNUC_END_IGNORE_DEPRECATIONS
  if (locale_uses_comma ())
    return g_strdup_printf ("%s $", digits);
  return g_strdup_printf ("$%s", digits);
}
