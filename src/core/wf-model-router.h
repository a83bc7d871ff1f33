/* wf-model-router.h: model catalogue, prices, circuit breakers, fallback chain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The catalogue starts from built-in defaults, is refreshed from OpenRouter's
 * model list (a JSON text, validated here) and cached in the store's `models`
 * table, so it works offline. The router is thread-safe: the pipeline's
 * worker reports successes and failures while the UI reads the state.
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "wf-budget.h"
#include "wf-store.h"
#include "wf-types.h"

G_BEGIN_DECLS

#define WF_MODEL_ROUTER_ERROR (wf_model_router_error_quark ())
GQuark wf_model_router_error_quark (void);

typedef enum
{
  WF_MODEL_ROUTER_ERROR_MALFORMED,    /* the model list is not what OpenRouter sends */
  WF_MODEL_ROUTER_ERROR_TOO_LARGE,
  WF_MODEL_ROUTER_ERROR_NETWORK,
  WF_MODEL_ROUTER_ERROR_INVALID,
} WfModelRouterError;

/* Bounds on the model list we accept. */
#define WF_MODEL_LIST_MAX_BYTES   (16 * 1024 * 1024)
#define WF_MODEL_LIST_MAX_MODELS  5000
#define WF_MODEL_ID_MAX_LEN       200
#define WF_MODEL_NAME_MAX_LEN     200
#define WF_MODEL_MAX_CONTEXT      G_GINT64_CONSTANT (100000000)

#define WF_CIRCUIT_DEFAULT_THRESHOLD   5
#define WF_CIRCUIT_DEFAULT_COOLDOWN_US (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)

typedef enum
{
  WF_CIRCUIT_CLOSED,
  WF_CIRCUIT_OPEN,
  WF_CIRCUIT_HALF_OPEN,     /* cool-down over: one trial call is let through */
} WfCircuitState;

const char *wf_circuit_state_to_string (WfCircuitState state);

typedef enum
{
  WF_MODEL_CHOICE_DEFAULT,            /* the user's default model */
  WF_MODEL_CHOICE_BUDGET_FALLBACK,    /* budget Degraded: the cheaper fallback */
  WF_MODEL_CHOICE_CIRCUIT_FALLBACK,   /* the preferred model's circuit is open */
  WF_MODEL_CHOICE_TRIAL,              /* a half-open circuit's one trial call */
  WF_MODEL_CHOICE_NONE_BUDGET,        /* budget Stopped and no free model configured */
  WF_MODEL_CHOICE_NONE_CIRCUITS,      /* every configured model's circuit is open */
  WF_MODEL_CHOICE_NONE_CONFIGURED,
} WfModelChoiceReason;

const char *wf_model_choice_reason_to_string (WfModelChoiceReason reason);

typedef struct
{
  char                *model_id;      /* NULL for the NONE reasons: use the offline route */
  char                *provider;
  WfModelChoiceReason  reason;
  char                *skipped;       /* nullable: comma-separated models passed over */
  char                *message;       /* a sentence for the UI */
  gint64               chosen_us;
} WfModelChoice;

WfModelChoice *wf_model_choice_copy (const WfModelChoice *choice);
void           wf_model_choice_free (WfModelChoice       *choice);

/* Built-in catalogue; (element-type WfModelInfo) (transfer full) */
GPtrArray *wf_model_catalogue_defaults        (void);

/* Parses OpenRouter's GET /models answer. Prices are USD per token as strings;
 * a model with a missing, non-numeric, negative, non-finite or absurd price is
 * skipped (and counted in out_n_rejected); a body that is not the documented
 * shape is an error. (element-type WfModelInfo) (transfer full) */
GPtrArray *wf_model_catalogue_parse_openrouter (const char  *json,
                                                gssize       length,
                                                gint64       fetched_us,
                                                guint       *out_n_rejected,
                                                GError     **error);

/* Parses one OpenRouter price string (USD per token) into micro-dollars per
 * million tokens. FALSE on anything but a plain non-negative decimal. */
gboolean   wf_model_price_parse               (const char  *text,
                                               gint64      *out_micros_per_mtok);

typedef gint64 (*WfRouterClockFunc) (gpointer user_data);   /* monotonic µs */

#define WF_TYPE_MODEL_ROUTER (wf_model_router_get_type ())
G_DECLARE_FINAL_TYPE (WfModelRouter, wf_model_router, WF, MODEL_ROUTER, GObject)

WfModelRouter *wf_model_router_new                (void);
void           wf_model_router_set_clock          (WfModelRouter      *self,
                                                   WfRouterClockFunc   clock,
                                                   gpointer            user_data);
void           wf_model_router_set_cooldown       (WfModelRouter      *self,
                                                   gint64              cooldown_us);
void           wf_model_router_set_threshold      (WfModelRouter      *self,
                                                   guint               n_failures);

/* Merges the store's cached models over the defaults. No network. */
gboolean       wf_model_router_load_cache         (WfModelRouter      *self,
                                                   WfStore            *store,
                                                   GError            **error);
/* Parses, validates, caches in the store (with the fetch time in meta
 * "models.openrouter.fetched_us") and merges. store may be NULL. */
gboolean       wf_model_router_refresh_from_json  (WfModelRouter      *self,
                                                   WfStore            *store,
                                                   const char         *json,
                                                   gssize              length,
                                                   guint              *out_n_models,
                                                   GError            **error);
gint64         wf_model_router_get_fetched_us     (WfModelRouter      *self);

/* Blocking GET of <base_url>/models (base: $WHATIF_OPENROUTER_URL, else
 * https://openrouter.ai/api/v1) with a size cap. For worker threads. */
char          *wf_model_router_fetch_list         (SoupSession        *session,
                                                   const char         *base_url,
                                                   GCancellable       *cancellable,
                                                   GError            **error);

/* (element-type WfModelInfo) (transfer full), sorted by id */
GPtrArray     *wf_model_router_dup_catalogue      (WfModelRouter      *self);
WfModelInfo   *wf_model_router_dup_model          (WfModelRouter      *self,
                                                   const char         *model_id);

/* default_model: the user's choice. fallback: the cheaper model for a
 * Degraded budget (nullable). chain: further models tried in order when
 * circuits are open (nullable, NULL-terminated). */
void           wf_model_router_configure          (WfModelRouter      *self,
                                                   const char         *default_model,
                                                   const char         *fallback_model,
                                                   const char * const *chain);

WfModelChoice *wf_model_router_choose             (WfModelRouter      *self,
                                                   WfBudgetState       budget_state);
/* The last choice, for the UI ("which model, why"); NULL before any. */
WfModelChoice *wf_model_router_dup_last_choice    (WfModelRouter      *self);

void           wf_model_router_report_success     (WfModelRouter      *self,
                                                   const char         *model_id);
void           wf_model_router_report_failure     (WfModelRouter      *self,
                                                   const char         *model_id);
WfCircuitState wf_model_router_get_circuit_state  (WfModelRouter      *self,
                                                   const char         *model_id);
guint          wf_model_router_get_failures       (WfModelRouter      *self,
                                                   const char         *model_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfModelChoice, wf_model_choice_free)

G_END_DECLS
