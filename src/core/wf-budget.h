/* wf-budget.h: spend scopes, reservations, settlement and budget state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Scopes (DESIGN §7): org (monthly, resets at 00:00 local time on the 1st),
 * session, and a cap per run. Every amount is integer micro-dollars. The
 * ledger lives in the store; a WfBudget is a thin policy object over one
 * WfStore connection and, like the store, is used from one thread at a time.
 */
#pragma once

#include <gio/gio.h>

#include "wf-store.h"
#include "wf-types.h"

G_BEGIN_DECLS

#define WF_BUDGET_ERROR (wf_budget_error_quark ())
GQuark wf_budget_error_quark (void);

typedef enum
{
  WF_BUDGET_ERROR_OVER_LIMIT,        /* a scope would pass its limit */
  WF_BUDGET_ERROR_STOPPED,           /* the budget is used up: paid calls refused */
  WF_BUDGET_ERROR_ALREADY_SETTLED,   /* the run was settled or released before */
  WF_BUDGET_ERROR_INVALID,
  WF_BUDGET_ERROR_STORE,
} WfBudgetError;

typedef enum
{
  WF_BUDGET_ACTIVE,
  WF_BUDGET_WARNED,
  WF_BUDGET_DEGRADED,
  WF_BUDGET_STOPPED,
} WfBudgetState;

const char *wf_budget_state_to_string (WfBudgetState state);

typedef enum
{
  WF_BUDGET_SCOPE_NONE,
  WF_BUDGET_SCOPE_ORG,
  WF_BUDGET_SCOPE_SESSION,
  WF_BUDGET_SCOPE_RUN,
} WfBudgetScope;

const char *wf_budget_scope_to_string (WfBudgetScope scope);

/* Defaults. The unknown price is deliberately high so that a model with no
 * known price is estimated conservatively instead of as free. */
#define WF_BUDGET_DEFAULT_RESERVATION_TTL_US  (G_GINT64_CONSTANT (10) * 60 * G_USEC_PER_SEC)
#define WF_BUDGET_UNKNOWN_INPUT_MICROS_PER_MTOK  G_GINT64_CONSTANT (15000000)
#define WF_BUDGET_UNKNOWN_OUTPUT_MICROS_PER_MTOK G_GINT64_CONSTANT (75000000)
/* Bounds so that no product below can overflow a gint64. */
#define WF_BUDGET_MAX_TOKENS                  G_GINT64_CONSTANT (100000000)
#define WF_BUDGET_MAX_MICROS_PER_MTOK         G_GINT64_CONSTANT (1000000000)
#define WF_BUDGET_MAX_AMOUNT_MICROS           (G_GINT64_CONSTANT (1000000) * WF_MICROS_PER_USD)

/* Input tokens are estimated as ceil(bytes / 4) of the UTF-8 prompt: the usual
 * rule of thumb for English text with BPE tokenisers, slightly pessimistic
 * for code. */
gint64   wf_budget_estimate_tokens (const char *text);

/* Cost of tokens at a price per million, rounded up: never 0 for a paid call. */
gint64   wf_budget_token_cost      (gint64      tokens,
                                    gint64      micros_per_mtok);

typedef struct
{
  gint64   input_tokens;
  gint64   output_tokens;
  gint64   llm_micros;
  gint64   sandbox_micros;
  gint64   total_micros;
  gboolean price_unknown;      /* the model has no known price: conservative estimate */
} WfCostEstimate;

/* model may be NULL (unknown). is_free: offline or local, costs nothing. */
void     wf_budget_estimate        (const WfModelInfo *model,
                                    gboolean           is_free,
                                    const char        *prompt,
                                    gint64             max_output_tokens,
                                    double             sandbox_seconds,
                                    gint64             sandbox_micros_per_second,
                                    WfCostEstimate    *out_estimate);

typedef struct
{
  char     *run_key;
  gint64    session_id;
  char     *provider;
  char     *model;
  gint64    amount_micros;
  gboolean  is_free;           /* nothing was written to the ledger */
  gboolean  price_unknown;
  gint64    created_us;
  gint64    expires_us;
} WfReservation;

void     wf_reservation_free       (WfReservation *reservation);

/* What actually happened, as far as it is known. */
typedef struct
{
  gboolean           has_reported_cost;
  gint64             reported_micros;     /* provider-reported LLM cost */
  gboolean           has_usage;
  gint64             input_tokens;
  gint64             output_tokens;
  const WfModelInfo *model;               /* nullable: price unknown */
  gint64             sandbox_micros;
} WfActualCost;

typedef struct
{
  WfBudgetState  state;
  WfBudgetScope  tightest;        /* the scope that decided the state */
  gint64         monthly_limit;   /* < 0: none */
  gint64         session_limit;
  gint64         run_limit;
  gint64         month_settled;
  gint64         month_reserved;
  gint64         session_settled;
  gint64         session_reserved;
  guint          month_n_settled;
  guint          month_n_estimated;
  double         ratio;           /* used/limit of the tightest scope, 0 without limits */
  gint64         month_start_us;
  gint64         next_reset_us;
  double         warn_ratio;
  double         degrade_ratio;
} WfBudgetStatus;

typedef gint64 (*WfBudgetClockFunc) (gpointer user_data);   /* wall clock, µs since the epoch */

#define WF_TYPE_BUDGET (wf_budget_get_type ())
G_DECLARE_FINAL_TYPE (WfBudget, wf_budget, WF, BUDGET, GObject)

WfBudget      *wf_budget_new                 (WfStore            *store);
void           wf_budget_set_clock           (WfBudget           *self,
                                              WfBudgetClockFunc   clock,
                                              gpointer            user_data);
void           wf_budget_set_reservation_ttl (WfBudget           *self,
                                              gint64              ttl_us);
gint64         wf_budget_get_reservation_ttl (WfBudget           *self);

/* [start, next) of the month containing unix_us, in local time. */
void           wf_budget_month_window        (gint64              unix_us,
                                              gint64             *out_start_us,
                                              gint64             *out_next_us);

/* Validates (limits ≥ 0 or -1 meaning none; 0 < warn ≤ degrade ≤ 1) and stores. */
gboolean       wf_budget_set_limits          (WfBudget             *self,
                                              const WfBudgetLimits *limits,
                                              GError              **error);
gboolean       wf_budget_get_limits          (WfBudget             *self,
                                              WfBudgetLimits       *out_limits,
                                              GError              **error);

/* session_id 0: no session scope. */
gboolean       wf_budget_get_status          (WfBudget           *self,
                                              gint64              session_id,
                                              WfBudgetStatus     *out_status,
                                              GError            **error);

/* Atomically checks every scope and records the reservation. A free provider
 * is never refused and records nothing. */
WfReservation *wf_budget_reserve             (WfBudget              *self,
                                              const char            *run_key,
                                              gint64                 session_id,
                                              const char            *provider,
                                              const char            *model,
                                              gboolean               is_free,
                                              const WfCostEstimate  *estimate,
                                              GError               **error);

/* Computes the settlement entry: the reported cost where given, else tokens ×
 * price, else the reservation's estimate (flagged estimated); plus sandbox. The
 * caller may append it itself (e.g. through wf_store_save_run). */
WfLedgerEntry *wf_budget_build_settlement    (WfBudget              *self,
                                              const WfReservation   *reservation,
                                              const WfActualCost    *actual);

/* Appends the settlement; the reservation is closed by it (the difference is
 * released). out_entry (nullable) receives a copy of what was written. */
gboolean       wf_budget_settle              (WfBudget              *self,
                                              const WfReservation   *reservation,
                                              const WfActualCost    *actual,
                                              WfLedgerEntry        **out_entry,
                                              GError               **error);

/* Closes a reservation that cost nothing (cancelled before the call). */
gboolean       wf_budget_release             (WfBudget              *self,
                                              const WfReservation   *reservation,
                                              GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfReservation, wf_reservation_free)

G_END_DECLS
