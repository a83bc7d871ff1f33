/* wf-currency.h: which currency money is in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one table of the currencies What If knows (ISO 4217 code and symbol),
 * the region's default from the locale, and the currency a question names.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How much of a text wf_currency_detect() reads: the router's
 * WF_QUERY_MAX_LENGTH, since longer questions are refused anyway. */
#define WF_CURRENCY_MAX_SCAN 4000

/* TRUE for exactly three ASCII capital letters: the only currency text that
 * may be written into a generated program or a prompt. NULL gives FALSE. */
gboolean    wf_currency_code_is_valid (const char *code);

/* The ISO 4217 code of LC_MONETARY; "USD" in the C or POSIX locale, or when
 * the locale gives nothing usable. Never NULL, always a valid code. */
char       *wf_currency_from_locale   (void);

/* The symbol money in CODE is shown with ("$", "€", "CA$", "kr", "CHF"…),
 * or NULL for a code that is not in the table (or NULL). */
const char *wf_currency_symbol        (const char *code);

/* The other direction: the code of a currency shown with exactly SYMBOL
 * ("€" → "EUR", "CA$" → "CAD", "$" → "USD"), or NULL when no currency or
 * several (kr) are shown with it. */
const char *wf_currency_for_symbol    (const char *symbol);

/* The currency TEXT names, by its first mention: a symbol (€, £, ¥, ₹, zł,
 * $ and its prefixed forms US$, CA$/C$, A$/AU$, R$, MX$, CN¥), an ISO code as
 * a whole word in any case (eur, EUR), or a word in English, German or
 * Spanish (euros, Pfund, dólares, Canadian dollars…). A bare $ or ¥ gives
 * way to a later mention of a currency written with the same sign ("$500
 * CAD" is CAD). Reads at most WF_CURRENCY_MAX_SCAN bytes; NULL and invalid
 * UTF-8 are fine. Writes the code and a NUL to OUT_CODE and returns TRUE, or
 * writes "" and returns FALSE when no currency is named. */
gboolean    wf_currency_detect        (const char *text,
                                       char        out_code[4]);

/* The currency a run's money is in: the code of its first metric whose unit
 * is a known currency code or an unshared symbol ("EUR", "€"). NULL when no
 * metric is money. The string is the table's, valid for the whole process.
 * METRICS is a (element-type WfMetric) array, or NULL. */
const char *wf_currency_of_metrics    (GPtrArray  *metrics);

G_END_DECLS
