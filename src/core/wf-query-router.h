/* wf-query-router.h: deterministic, local classification of a money question
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The router reads the user's text with a weighted financial lexicon and intent
 * patterns, extracts the amounts, rates, periods and counts it mentions (with
 * the role the wording gives them) and decides: ROUTE to an intent, ask one
 * CLARIFY question with 2–4 rephrased options, or REFUSE with a reason.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define WF_QUERY_ROUTER_ERROR (wf_query_router_error_quark ())
GQuark wf_query_router_error_quark (void);

typedef enum
{
  WF_QUERY_ROUTER_ERROR_INVALID,
} WfQueryRouterError;

typedef enum
{
  WF_INTENT_NONE,
  WF_INTENT_LOAN_PAYMENT,       /* payment, amortisation, totals */
  WF_INTENT_LOAN_PAYOFF,        /* how long to pay off a loan or card */
  WF_INTENT_NPV_IRR,
  WF_INTENT_TIME_VALUE,         /* present / future value of lump sums and annuities */
  WF_INTENT_RATE_CONVERSION,    /* APR ↔ effective, per period */
  WF_INTENT_GROWTH,             /* CAGR, doubling time, projections */
  WF_INTENT_BREAK_EVEN,
  WF_INTENT_PRICE_CHANGE,       /* price change with volume or customer loss */
  WF_INTENT_CASH_RUNWAY,
  WF_INTENT_PAYBACK,
  WF_INTENT_MARGIN_MARKUP,
  WF_INTENT_DEPRECIATION,
  WF_INTENT_WORKING_CAPITAL,    /* DSO, DIO, DPO */
  WF_INTENT_INVENTORY,          /* EOQ, reorder point */
  WF_INTENT_HIRING_COST,
  WF_INTENT_SAVINGS_GROWTH,
  WF_INTENT_GENERAL_MODEL,      /* financial, but no template fits */
  WF_INTENT_LAST,
} WfIntent;

const char *wf_intent_to_string   (WfIntent    intent);
gboolean    wf_intent_from_string (const char *str,
                                   WfIntent   *out_intent);

/* The named quantities a question can give. Rates are stored as decimals
 * (0.075), periods in months, money in the currency the user wrote. */
typedef enum
{
  WF_SLOT_PRINCIPAL,            /* loan amount, card balance */
  WF_SLOT_RATE,                 /* annual interest or return rate */
  WF_SLOT_TERM_MONTHS,          /* the period of the question */
  WF_SLOT_PAYMENT,              /* a payment per month */
  WF_SLOT_PRICE,                /* selling price per unit / per customer */
  WF_SLOT_UNIT_COST,            /* variable cost per unit */
  WF_SLOT_FIXED_COSTS,          /* fixed costs per month */
  WF_SLOT_UNITS,
  WF_SLOT_CASH,                 /* cash in the bank */
  WF_SLOT_BURN,                 /* spending per month */
  WF_SLOT_REVENUE,              /* revenue per month (per year for growth) */
  WF_SLOT_GROWTH,               /* growth rate per year */
  WF_SLOT_PRICE_CHANGE,         /* relative price change, signed */
  WF_SLOT_CUSTOMER_LOSS,        /* share of customers lost */
  WF_SLOT_CUSTOMERS,
  WF_SLOT_SALARY,               /* per year */
  WF_SLOT_HEADCOUNT,
  WF_SLOT_INVESTMENT,           /* up-front cost */
  WF_SLOT_CASH_FLOW,            /* savings or income per year */
  WF_SLOT_DISCOUNT_RATE,
  WF_SLOT_MARGIN,
  WF_SLOT_MARKUP,
  WF_SLOT_SALVAGE,
  WF_SLOT_DEPOSIT,              /* contribution per month */
  WF_SLOT_AMOUNT,               /* a lump sum (time value, growth start) */
  WF_SLOT_TARGET_AMOUNT,        /* an end value (CAGR) */
  WF_SLOT_TARGET_PROFIT,
  WF_SLOT_RECEIVABLES,
  WF_SLOT_PAYABLES,
  WF_SLOT_INVENTORY,
  WF_SLOT_COGS,
  WF_SLOT_ORDER_COST,
  WF_SLOT_HOLDING_COST,
  WF_SLOT_LEAD_DAYS,
  WF_SLOT_OVERHEAD_RATE,        /* employer on-costs as a share of salary */
  /* Working-capital days given directly ("customers pay in 45 days"), in days. */
  WF_SLOT_DSO_DAYS,             /* days to get paid by customers */
  WF_SLOT_DIO_DAYS,             /* days stock is held */
  WF_SLOT_DPO_DAYS,             /* days taken to pay suppliers */
  WF_SLOT_LAST,
} WfSlot;

const char *wf_slot_to_string (WfSlot slot);

typedef struct
{
  double   values[WF_SLOT_LAST];    /* NAN when the question did not give it */
  char    *focus;                   /* nullable: which quantity was asked for (e.g. "irr") */
  gboolean rate_monthly;            /* the rate was given per month */
  /* The ISO 4217 code of the money, "" when the question named no currency.
   * The router fills it from the text only; a caller may put its default
   * currency here (with currency_assumed) before rendering a template. */
  char     currency[4];
  gboolean currency_assumed;        /* currency is a default, not named in the question */
  gboolean amount_is_count;         /* the growth start is a count (customers, units), not money */
} WfQueryParams;

WfQueryParams *wf_query_params_new   (void);
WfQueryParams *wf_query_params_copy  (const WfQueryParams *params);
void           wf_query_params_free  (WfQueryParams       *params);
gboolean       wf_query_params_has   (const WfQueryParams *params,
                                      WfSlot               slot);
double         wf_query_params_get   (const WfQueryParams *params,
                                      WfSlot               slot,
                                      double               fallback);
void           wf_query_params_set   (WfQueryParams       *params,
                                      WfSlot               slot,
                                      double               value);
/* Overwrites the slots that `update` has, and the currency when it has one;
 * keeps the others. */
void           wf_query_params_merge (WfQueryParams       *params,
                                      const WfQueryParams *update);
guint          wf_query_params_count (const WfQueryParams *params);
char          *wf_query_params_to_string (const WfQueryParams *params);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfQueryParams, wf_query_params_free)

typedef enum
{
  WF_QUERY_KIND_MONEY,
  WF_QUERY_KIND_PERCENT,
  WF_QUERY_KIND_PERIOD,         /* value in months */
  WF_QUERY_KIND_COUNT,
  WF_QUERY_KIND_NUMBER,
} WfQueryKind;

/* One quantity found in the text, before roles are decided. */
typedef struct
{
  WfQueryKind  kind;
  double       value;           /* money as written, percent as a decimal, period in months */
  int          start;           /* byte offsets in the text */
  int          end;
  double       raw;             /* the number as written, before units */
  char        *noun;            /* nullable: the noun or unit word after it ("customers", "days") */
  gboolean     per_month;       /* "a month", "monthly" follows */
  gboolean     per_year;
  gboolean     per_day;
  gboolean     per_week;        /* "a week", "weekly" */
} WfQuantity;

void wf_quantity_free (WfQuantity *quantity);

/* Every quantity in the text, in order. (element-type WfQuantity) */
GPtrArray *wf_query_extract (const char *text);

typedef enum
{
  WF_ROUTE_DECISION_ROUTE,
  WF_ROUTE_DECISION_CLARIFY,
  WF_ROUTE_DECISION_REFUSE,
} WfRouteDecision;

const char *wf_route_decision_to_string (WfRouteDecision decision);

typedef struct
{
  WfRouteDecision  decision;
  WfIntent         intent;
  double           confidence;      /* 0..1 */
  char            *reason;          /* why it refused or asks */
  char            *clarify_question;
  GPtrArray       *options;         /* (element-type utf8): 2–4 complete questions */
  WfQueryParams   *params;          /* the parameters in force after this turn */
  gboolean         follow_up;       /* merged with the previous turn */
} WfRoute;

void wf_route_free (WfRoute *route);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfRoute, wf_route_free)

#define WF_QUERY_ROUTE_THRESHOLD_DEFAULT    0.8
#define WF_QUERY_REFUSE_THRESHOLD_DEFAULT   0.3
#define WF_QUERY_MAX_LENGTH                 4000

typedef struct
{
  double                route_threshold;   /* ≥ this routes */
  double                refuse_threshold;  /* < this refuses */
  WfIntent              previous_intent;   /* WF_INTENT_NONE when no previous turn */
  const WfQueryParams  *previous_params;   /* nullable */
  /* nullable, NULL-terminated: the names of the user's imported datasets. A
   * question about them goes to general_model, never to a template that
   * would answer with made-up figures. */
  const char * const   *dataset_names;
} WfQueryContext;

void     wf_query_context_init (WfQueryContext *context);

/* Whether TEXT asks about the user's own data: it names one of DATASET_NAMES
 * (case-insensitive, "_" read as a space) or says "my data", "our sales",
 * "my customers"… Always FALSE when there are no datasets. */
gboolean wf_query_mentions_data (const char          *text,
                                 const char * const  *dataset_names);

/* Classifies `text`. Returns NULL with WF_QUERY_ROUTER_ERROR_INVALID for text
 * that is empty, too long or not UTF-8. `context` may be NULL. */
WfRoute *wf_query_route (const char            *text,
                         const WfQueryContext  *context,
                         GError               **error);

G_END_DECLS
