/* wf-query-params.c: WfQueryParams, the slot values a question gives
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
      g_string_append_printf (str, "%s=%s", wf_slot_to_string ((WfSlot) i),
                              g_ascii_formatd (buf, sizeof buf, "%.15g", params->values[i]));
    }
  /* The money above is in it: a model reading the values needs it too. */
  if (str->len > 0 && wf_currency_code_is_valid (params->currency))
    g_string_append_printf (str, ", currency=%s", params->currency);
  return g_string_free (str, FALSE);
}
