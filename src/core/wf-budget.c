/* wf-budget.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-budget"

#include "config.h"

#include "wf-budget.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

struct _WfBudget
{
  GObject            parent_instance;

  WfStore           *store;
  WfBudgetClockFunc  clock;
  gpointer           clock_data;
  gint64             reservation_ttl_us;
};

G_DEFINE_FINAL_TYPE (WfBudget, wf_budget, G_TYPE_OBJECT)

G_DEFINE_QUARK (wf-budget-error-quark, wf_budget_error)

const char *
wf_budget_state_to_string (WfBudgetState state)
{
  switch (state)
    {
    case WF_BUDGET_ACTIVE:
      return "active";
    case WF_BUDGET_WARNED:
      return "warned";
    case WF_BUDGET_DEGRADED:
      return "degraded";
    case WF_BUDGET_STOPPED:
      return "stopped";
    default:
      return "unknown";
    }
}

const char *
wf_budget_scope_to_string (WfBudgetScope scope)
{
  switch (scope)
    {
    case WF_BUDGET_SCOPE_NONE:
      return "none";
    case WF_BUDGET_SCOPE_ORG:
      return "monthly";
    case WF_BUDGET_SCOPE_SESSION:
      return "session";
    case WF_BUDGET_SCOPE_RUN:
      return "run";
    default:
      return "unknown";
    }
}

void
wf_reservation_free (WfReservation *reservation)
{
  if (reservation == NULL)
    return;

  g_free (reservation->run_key);
  g_free (reservation->provider);
  g_free (reservation->model);
  g_free (reservation);
}

static gint64
clamp_tokens (gint64 tokens)
{
  return CLAMP (tokens, 0, WF_BUDGET_MAX_TOKENS);
}

static gint64
clamp_amount (gint64 micros)
{
  return CLAMP (micros, 0, WF_BUDGET_MAX_AMOUNT_MICROS);
}

gint64
wf_budget_estimate_tokens (const char *text)
{
  gsize len;

  if (text == NULL)
    return 0;

  len = strlen (text);
  return clamp_tokens ((gint64) ((len + 3) / 4));
}

gint64
wf_budget_token_cost (gint64 tokens,
                      gint64 micros_per_mtok)
{
  gint64 t = clamp_tokens (tokens);
  gint64 p = CLAMP (micros_per_mtok, 0, WF_BUDGET_MAX_MICROS_PER_MTOK);

  /* 1e8 × 1e9 = 1e17 < 9.2e18: cannot overflow. Round up so that a paid call
   * never rounds down to a free one. */
  return (t * p + 999999) / 1000000;
}

void
wf_budget_estimate (const WfModelInfo *model,
                    gboolean           is_free,
                    const char        *prompt,
                    gint64             max_output_tokens,
                    double             sandbox_seconds,
                    gint64             sandbox_micros_per_second,
                    WfCostEstimate    *out_estimate)
{
  gint64 in_price, out_price;

  g_return_if_fail (out_estimate != NULL);

  memset (out_estimate, 0, sizeof *out_estimate);
  out_estimate->input_tokens = wf_budget_estimate_tokens (prompt);
  out_estimate->output_tokens = clamp_tokens (max_output_tokens);

  if (!is_free)
    {
      in_price = model ? model->input_micros_per_mtok : -1;
      out_price = model ? model->output_micros_per_mtok : -1;
      if (in_price < 0 || out_price < 0)
        {
          out_estimate->price_unknown = TRUE;
          in_price = WF_BUDGET_UNKNOWN_INPUT_MICROS_PER_MTOK;
          out_price = WF_BUDGET_UNKNOWN_OUTPUT_MICROS_PER_MTOK;
        }
      out_estimate->llm_micros = wf_budget_token_cost (out_estimate->input_tokens, in_price)
                                 + wf_budget_token_cost (out_estimate->output_tokens, out_price);
    }

  if (isfinite (sandbox_seconds) && sandbox_seconds > 0 && sandbox_micros_per_second > 0)
    {
      double s = MIN (sandbox_seconds, 86400.0);
      gint64 rate = MIN (sandbox_micros_per_second, WF_MICROS_PER_USD * 100);

      out_estimate->sandbox_micros = (gint64) ceil (s * (double) rate);
    }

  out_estimate->total_micros = clamp_amount (out_estimate->llm_micros
                                             + out_estimate->sandbox_micros);
}

static gint64
default_clock (gpointer user_data)
{
  return g_get_real_time ();
}

static gint64
budget_now (WfBudget *self)
{
  return self->clock (self->clock_data);
}

static void
wf_budget_finalize (GObject *object)
{
  WfBudget *self = (WfBudget *) object;

  g_clear_object (&self->store);

  G_OBJECT_CLASS (wf_budget_parent_class)->finalize (object);
}

static void
wf_budget_class_init (WfBudgetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wf_budget_finalize;
}

static void
wf_budget_init (WfBudget *self)
{
  self->clock = default_clock;
  self->reservation_ttl_us = WF_BUDGET_DEFAULT_RESERVATION_TTL_US;
}

WfBudget *
wf_budget_new (WfStore *store)
{
  WfBudget *self;

  g_return_val_if_fail (WF_IS_STORE (store), NULL);

  self = g_object_new (WF_TYPE_BUDGET, NULL);
  self->store = g_object_ref (store);

  return self;
}

void
wf_budget_set_clock (WfBudget          *self,
                     WfBudgetClockFunc  clock,
                     gpointer           user_data)
{
  g_return_if_fail (WF_IS_BUDGET (self));

  self->clock = clock ? clock : default_clock;
  self->clock_data = clock ? user_data : NULL;
}

void
wf_budget_set_reservation_ttl (WfBudget *self,
                               gint64    ttl_us)
{
  g_return_if_fail (WF_IS_BUDGET (self));
  g_return_if_fail (ttl_us > 0);

  self->reservation_ttl_us = ttl_us;
}

gint64
wf_budget_get_reservation_ttl (WfBudget *self)
{
  g_return_val_if_fail (WF_IS_BUDGET (self), 0);

  return self->reservation_ttl_us;
}

void
wf_budget_month_window (gint64  unix_us,
                        gint64 *out_start_us,
                        gint64 *out_next_us)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) next = NULL;

  now = g_date_time_new_from_unix_local (unix_us / G_USEC_PER_SEC);
  if (now == NULL)
    now = g_date_time_new_now_local ();

  /* Built from the local calendar date, not by adding seconds, so that a DST
   * change inside the month cannot shift the boundary. */
  start = g_date_time_new (tz, g_date_time_get_year (now), g_date_time_get_month (now), 1, 0, 0, 0);
  if (g_date_time_get_month (now) == 12)
    next = g_date_time_new (tz, g_date_time_get_year (now) + 1, 1, 1, 0, 0, 0);
  else
    next = g_date_time_new (tz, g_date_time_get_year (now), g_date_time_get_month (now) + 1, 1, 0, 0, 0);

  if (out_start_us)
    *out_start_us = g_date_time_to_unix (start) * G_USEC_PER_SEC;
  if (out_next_us)
    *out_next_us = g_date_time_to_unix (next) * G_USEC_PER_SEC;
}

static gboolean
valid_limit (gint64 limit)
{
  return limit == -1 || (limit >= 0 && limit <= WF_BUDGET_MAX_AMOUNT_MICROS);
}

gboolean
wf_budget_set_limits (WfBudget             *self,
                      const WfBudgetLimits *limits,
                      GError              **error)
{
  g_return_val_if_fail (WF_IS_BUDGET (self), FALSE);
  g_return_val_if_fail (limits != NULL, FALSE);

  if (!valid_limit (limits->monthly_micros) || !valid_limit (limits->session_micros)
      || !valid_limit (limits->run_micros))
    {
      g_set_error (error, WF_BUDGET_ERROR, WF_BUDGET_ERROR_INVALID,
                   _("A spend limit must be between $0 and $1,000,000, or unset."));
      return FALSE;
    }
  if (!isfinite (limits->warn_ratio) || !isfinite (limits->degrade_ratio)
      || limits->warn_ratio <= 0 || limits->warn_ratio > limits->degrade_ratio
      || limits->degrade_ratio > 1.0)
    {
      g_set_error (error, WF_BUDGET_ERROR, WF_BUDGET_ERROR_INVALID,
                   _("The warning threshold must be above 0 and at most the degrade threshold, which must be at most 1."));
      return FALSE;
    }

  return wf_store_set_budget_limits (self->store, limits, error);
}

gboolean
wf_budget_get_limits (WfBudget       *self,
                      WfBudgetLimits *out_limits,
                      GError        **error)
{
  g_return_val_if_fail (WF_IS_BUDGET (self), FALSE);
  g_return_val_if_fail (out_limits != NULL, FALSE);

  if (!wf_store_get_budget_limits (self->store, out_limits, error))
    return FALSE;

  /* A hand-edited or damaged row must not disable the thresholds. */
  if (!isfinite (out_limits->warn_ratio) || out_limits->warn_ratio <= 0 || out_limits->warn_ratio > 1)
    out_limits->warn_ratio = 0.80;
  if (!isfinite (out_limits->degrade_ratio) || out_limits->degrade_ratio < out_limits->warn_ratio
      || out_limits->degrade_ratio > 1)
    out_limits->degrade_ratio = MAX (0.95, out_limits->warn_ratio);

  return TRUE;
}

static WfBudgetState
state_for (gint64 used,
           gint64 limit,
           double warn,
           double degrade,
           double *out_ratio)
{
  double ratio;

  if (limit < 0)
    {
      *out_ratio = 0;
      return WF_BUDGET_ACTIVE;
    }
  if (limit == 0)
    {
      *out_ratio = 1.0;
      return WF_BUDGET_STOPPED;
    }

  ratio = (double) used / (double) limit;
  *out_ratio = ratio;
  /* Compare in integers where it decides Stopped, so that rounding never lets
   * a used-up budget look merely degraded. */
  if (used >= limit)
    return WF_BUDGET_STOPPED;
  if (ratio >= degrade)
    return WF_BUDGET_DEGRADED;
  if (ratio >= warn)
    return WF_BUDGET_WARNED;
  return WF_BUDGET_ACTIVE;
}

static gboolean
compute_status (WfBudget       *self,
                gint64          session_id,
                gint64          now,
                WfBudgetStatus *st,
                GError        **error)
{
  WfBudgetLimits limits;
  WfSpendTotals month = { 0 }, session = { 0 };
  WfBudgetState org_state, session_state;
  double org_ratio, session_ratio;

  memset (st, 0, sizeof *st);
  if (!wf_budget_get_limits (self, &limits, error))
    return FALSE;

  wf_budget_month_window (now, &st->month_start_us, &st->next_reset_us);
  if (!wf_store_ledger_totals (self->store, st->month_start_us, st->next_reset_us, 0, now,
                               &month, error))
    return FALSE;
  if (session_id > 0
      && !wf_store_ledger_totals (self->store, 0, G_MAXINT64, session_id, now, &session, error))
    return FALSE;

  st->monthly_limit = limits.monthly_micros;
  st->session_limit = limits.session_micros;
  st->run_limit = limits.run_micros;
  st->warn_ratio = limits.warn_ratio;
  st->degrade_ratio = limits.degrade_ratio;
  st->month_settled = MAX (month.settled_micros, 0);
  st->month_reserved = MAX (month.reserved_micros, 0);
  st->month_n_settled = month.n_settled;
  st->month_n_estimated = month.n_estimated;
  st->session_settled = MAX (session.settled_micros, 0);
  st->session_reserved = MAX (session.reserved_micros, 0);

  org_state = state_for (st->month_settled + st->month_reserved, limits.monthly_micros,
                         limits.warn_ratio, limits.degrade_ratio, &org_ratio);
  session_state = session_id > 0
    ? state_for (st->session_settled + st->session_reserved, limits.session_micros,
                 limits.warn_ratio, limits.degrade_ratio, &session_ratio)
    : WF_BUDGET_ACTIVE;
  if (session_id <= 0)
    session_ratio = 0;

  st->state = WF_BUDGET_ACTIVE;
  st->tightest = WF_BUDGET_SCOPE_NONE;
  if (limits.monthly_micros >= 0)
    {
      st->state = org_state;
      st->ratio = org_ratio;
      st->tightest = WF_BUDGET_SCOPE_ORG;
    }
  if (session_id > 0 && limits.session_micros >= 0
      && (st->tightest == WF_BUDGET_SCOPE_NONE || session_ratio > st->ratio))
    {
      st->state = session_state;
      st->ratio = session_ratio;
      st->tightest = WF_BUDGET_SCOPE_SESSION;
    }

  return TRUE;
}

gboolean
wf_budget_get_status (WfBudget       *self,
                      gint64          session_id,
                      WfBudgetStatus *out_status,
                      GError        **error)
{
  g_return_val_if_fail (WF_IS_BUDGET (self), FALSE);
  g_return_val_if_fail (out_status != NULL, FALSE);

  return compute_status (self, session_id, budget_now (self), out_status, error);
}

typedef struct
{
  WfBudget      *self;
  WfLedgerEntry *entry;
  gint64         now;
} ReserveData;

static gboolean
reserve_in_transaction (WfStore  *store,
                        gpointer  user_data,
                        GError  **error)
{
  ReserveData *data = user_data;
  WfBudgetStatus st;
  gint64 amount = data->entry->amount_micros;
  g_autofree char *need = NULL;
  g_autofree char *left = NULL;

  if (!compute_status (data->self, data->entry->session_id, data->now, &st, error))
    return FALSE;

  if (st.run_limit >= 0 && amount > st.run_limit)
    {
      g_set_error (error, WF_BUDGET_ERROR, WF_BUDGET_ERROR_OVER_LIMIT,
                   _("This run would cost about $%.4f, more than the per-run cap of $%.2f."),
                   wf_micros_to_usd (amount), wf_micros_to_usd (st.run_limit));
      return FALSE;
    }
  if (st.monthly_limit >= 0 && st.month_settled + st.month_reserved + amount > st.monthly_limit)
    {
      g_set_error (error, WF_BUDGET_ERROR,
                   st.state == WF_BUDGET_STOPPED ? WF_BUDGET_ERROR_STOPPED : WF_BUDGET_ERROR_OVER_LIMIT,
                   _("The monthly budget of $%.2f does not cover this run (about $%.4f; $%.4f left). "
                     "The offline or local model still works."),
                   wf_micros_to_usd (st.monthly_limit), wf_micros_to_usd (amount),
                   wf_micros_to_usd (MAX (0, st.monthly_limit - st.month_settled - st.month_reserved)));
      return FALSE;
    }
  if (data->entry->session_id > 0 && st.session_limit >= 0
      && st.session_settled + st.session_reserved + amount > st.session_limit)
    {
      g_set_error (error, WF_BUDGET_ERROR,
                   st.state == WF_BUDGET_STOPPED ? WF_BUDGET_ERROR_STOPPED : WF_BUDGET_ERROR_OVER_LIMIT,
                   _("The session budget of $%.2f does not cover this run (about $%.4f). "
                     "The offline or local model still works."),
                   wf_micros_to_usd (st.session_limit), wf_micros_to_usd (amount));
      return FALSE;
    }

  return wf_store_ledger_append (store, data->entry, error);
}

WfReservation *
wf_budget_reserve (WfBudget             *self,
                   const char           *run_key,
                   gint64                session_id,
                   const char           *provider,
                   const char           *model,
                   gboolean              is_free,
                   const WfCostEstimate *estimate,
                   GError              **error)
{
  g_autoptr(WfReservation) res = NULL;
  g_autoptr(WfLedgerEntry) entry = NULL;
  g_autoptr(GError) local_error = NULL;
  ReserveData data;
  gint64 now;

  g_return_val_if_fail (WF_IS_BUDGET (self), NULL);
  g_return_val_if_fail (run_key != NULL && *run_key != '\0', NULL);
  g_return_val_if_fail (estimate != NULL, NULL);

  now = budget_now (self);
  res = g_new0 (WfReservation, 1);
  res->run_key = g_strdup (run_key);
  res->session_id = MAX (session_id, 0);
  res->provider = g_strdup (provider);
  res->model = g_strdup (model);
  res->is_free = is_free;
  res->price_unknown = estimate->price_unknown;
  res->created_us = now;

  /* Free routes (offline templates, a local server) are never blocked and
   * never enter the ledger. */
  if (is_free)
    return g_steal_pointer (&res);

  res->amount_micros = clamp_amount (estimate->total_micros);
  res->expires_us = now + self->reservation_ttl_us;

  entry = wf_ledger_entry_new (run_key, WF_LEDGER_RESERVE, res->amount_micros);
  entry->session_id = res->session_id;
  entry->provider = g_strdup (provider);
  entry->model = g_strdup (model);
  entry->estimated = TRUE;
  entry->created_us = now;
  entry->expires_us = res->expires_us;

  data.self = self;
  data.entry = entry;
  data.now = now;
  if (!wf_store_transaction (self->store, reserve_in_transaction, &data, &local_error))
    {
      if (g_error_matches (local_error, WF_STORE_ERROR, WF_STORE_ERROR_CONSTRAINT))
        g_set_error (error, WF_BUDGET_ERROR, WF_BUDGET_ERROR_ALREADY_SETTLED,
                     _("Run “%s” already has a reservation."), run_key);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return g_steal_pointer (&res);
}

WfLedgerEntry *
wf_budget_build_settlement (WfBudget            *self,
                            const WfReservation *reservation,
                            const WfActualCost  *actual)
{
  WfLedgerEntry *entry;
  gint64 llm = 0;
  gboolean estimated = FALSE;
  const WfModelInfo *model;

  g_return_val_if_fail (WF_IS_BUDGET (self), NULL);
  g_return_val_if_fail (reservation != NULL, NULL);
  g_return_val_if_fail (actual != NULL, NULL);

  model = actual->model;
  if (reservation->is_free)
    llm = 0;
  else if (actual->has_reported_cost && actual->reported_micros >= 0)
    llm = actual->reported_micros;
  else if (actual->has_usage && actual->input_tokens >= 0 && actual->output_tokens >= 0
           && model != NULL && model->input_micros_per_mtok >= 0 && model->output_micros_per_mtok >= 0)
    llm = wf_budget_token_cost (actual->input_tokens, model->input_micros_per_mtok)
          + wf_budget_token_cost (actual->output_tokens, model->output_micros_per_mtok);
  else
    {
      /* Unknown usage or price: keep the estimate, and say so. Never a
       * silent $0. The reservation included the sandbox estimate, which is
       * replaced below by the actual sandbox figure. */
      llm = reservation->amount_micros;
      estimated = TRUE;
    }

  entry = wf_ledger_entry_new (reservation->run_key, WF_LEDGER_SETTLE,
                               clamp_amount (llm + (estimated ? 0 : MAX (actual->sandbox_micros, 0))));
  entry->session_id = reservation->session_id;
  entry->provider = g_strdup (reservation->provider);
  entry->model = g_strdup (reservation->model);
  entry->estimated = estimated;
  entry->created_us = budget_now (self);

  return entry;
}

gboolean
wf_budget_settle (WfBudget             *self,
                  const WfReservation  *reservation,
                  const WfActualCost   *actual,
                  WfLedgerEntry       **out_entry,
                  GError              **error)
{
  g_autoptr(WfLedgerEntry) entry = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (WF_IS_BUDGET (self), FALSE);
  g_return_val_if_fail (reservation != NULL, FALSE);
  g_return_val_if_fail (actual != NULL, FALSE);

  entry = wf_budget_build_settlement (self, reservation, actual);

  /* A free run costs nothing and has no reservation to close. */
  if (!reservation->is_free
      && !wf_store_ledger_append (self->store, entry, &local_error))
    {
      if (g_error_matches (local_error, WF_STORE_ERROR, WF_STORE_ERROR_CONSTRAINT))
        g_set_error (error, WF_BUDGET_ERROR, WF_BUDGET_ERROR_ALREADY_SETTLED,
                     _("Run “%s” was already settled; it is not counted twice."),
                     reservation->run_key);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (out_entry)
    *out_entry = g_steal_pointer (&entry);

  return TRUE;
}

gboolean
wf_budget_release (WfBudget            *self,
                   const WfReservation *reservation,
                   GError             **error)
{
  g_autoptr(WfLedgerEntry) entry = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (WF_IS_BUDGET (self), FALSE);
  g_return_val_if_fail (reservation != NULL, FALSE);

  if (reservation->is_free)
    return TRUE;

  entry = wf_ledger_entry_new (reservation->run_key, WF_LEDGER_RELEASE, reservation->amount_micros);
  entry->session_id = reservation->session_id;
  entry->provider = g_strdup (reservation->provider);
  entry->model = g_strdup (reservation->model);
  entry->created_us = budget_now (self);

  if (!wf_store_ledger_append (self->store, entry, &local_error))
    {
      if (g_error_matches (local_error, WF_STORE_ERROR, WF_STORE_ERROR_CONSTRAINT))
        g_set_error (error, WF_BUDGET_ERROR, WF_BUDGET_ERROR_ALREADY_SETTLED,
                     _("Run “%s” was already released."), reservation->run_key);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}
