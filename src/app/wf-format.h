/* wf-format.h: numbers, money and durations for people, in their locale
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The ISO 4217 code in use: the "currency" setting when set (and the schema is
 * installed), else the one of LC_MONETARY, else USD. */
char *wf_format_currency_code (void);
/* Overrides the currency (NULL: back to the setting/locale); for tests and
 * for the preferences to apply a change at once. */
void  wf_format_set_currency  (const char *code);

char *wf_format_money   (double      value);
char *wf_format_money_in (double     value,
                          const char *code);
char *wf_format_percent (double      fraction);   /* 0.125 → "12.5 %" style */
char *wf_format_number  (double      value);
char *wf_format_count   (double      value);
/* Up to max_decimals (0–6) decimals, trailing zeros dropped: for table cells,
 * where 15500.5 must not read as 15500. */
char *wf_format_decimal (double      value,
                         guint       max_decimals);
/* Exactly `decimals` (0–2) decimals, grouped: a column of amounts. */
char *wf_format_fixed   (double      value,
                         guint       decimals);
char *wf_format_months  (double      value);
char *wf_format_years   (double      value);
/* A metric's value by its unit: a currency code or symbol → money, "%" → a
 * percent (the value already in percent), "ratio" → percent of the fraction,
 * "months"/"years", anything else → number plus the unit. */
char *wf_format_value_with_unit (double      value,
                                 const char *unit);
/* What a run or a stage cost (micro-dollars, always USD: what providers
 * bill): cents as usual, but a sub-cent cost keeps enough digits to be seen
 * ($0.00052), since most model calls cost less than a cent. */
char *wf_format_cost_micros (gint64 micros);
/* An assumption's value by its kind (money | percent | number | count |
 * months | years). Money is in CURRENCY (NULL: the user's currency), since
 * a run answered in euros has its amounts in euros whatever the preference.
 * A percent value is 7.5 for 7.5 % when PERCENT_SCALE is 1 (as the offline
 * templates hold it) and 0.075 when it is 100 (a fraction, as most models
 * write it): see wf_assumptions_control_scale(). */
char *wf_format_param   (double      value,
                         const char *kind,
                         double      percent_scale,
                         const char *currency);

G_END_DECLS
