/* wf-pipeline.c: the one place that knows the order of the stages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run is a GTask on a worker thread with its own WfStore connection, so the
 * caller's thread never waits on SQLite, the model or the sandbox. Every stage
 * is timed into a WfCostSpan (persisted with the run) and announced on the
 * caller's main context. Whatever happens, the run ends with one outcome and
 * is saved with its spend in one transaction by wf_store_save_run(); a failure
 * before that point never leaves half a run behind.
 */
#define G_LOG_DOMAIN "wf-pipeline"

#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "wf-pipeline.h"
#include "wf-budget.h"
#include "wf-currency.h"
#include "wf-firewall.h"
#include "wf-prompt.h"
#include "wf-query-router.h"
#include "wf-repair.h"
#include "wf-session.h"
#include "wf-sql-firewall.h"
#include "wf-store.h"
#include "wf-telemetry.h"
#include "wf-templates.h"
#include "providers/wf-provider-offline.h"
#include "providers/wf-provider-openrouter.h"

#define MAX_QUESTION_BYTES WF_QUERY_MAX_LENGTH
#define MAX_CODE_BYTES WF_REPAIR_DEFAULT_MAX_CODE_SIZE
#define MAX_OUTPUT_TOKENS 2000
#define MAX_OVERRIDES 200

G_DEFINE_QUARK (wf-pipeline-error-quark, wf_pipeline_error)

struct _WfPipeline
{
  GObject     parent_instance;

  char       *db_path;
  GMutex      lock;
  WfSandbox  *sandbox;          /* (nullable) until first used */
  GHashTable *providers;        /* name → WfLlmProvider */
  GPtrArray  *idle_stores;      /* WfStore connections between runs */
  WfModelRouter *models;        /* nullable until first needed: prices */
  gboolean    models_loaded;    /* the store's cached catalogue was read */
  char       *telemetry_url;    /* nullable: export off */
  char       *telemetry_headers;
  char        currency[4];      /* the default for questions that name none */
};

/* Connections kept open between runs. Opening one per run cost more than the
 * rest of the pipeline together: the schema check, the statement cache built
 * anew, and, when the last connection closed, a WAL checkpoint with its fsync. */
#define MAX_IDLE_STORES 4

G_DEFINE_FINAL_TYPE (WfPipeline, wf_pipeline, G_TYPE_OBJECT)

enum
{
  SIGNAL_STAGE_STARTED,
  SIGNAL_STAGE_FINISHED,
  SIGNAL_CODE_DELTA,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- requests ---- */

WfRunRequest *
wf_run_request_new (WfMode      mode,
                    const char *text)
{
  WfRunRequest *req = g_new0 (WfRunRequest, 1);

  req->mode = mode;
  req->text = g_strdup (text);
  req->overrides = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return req;
}

void
wf_run_request_set_override (WfRunRequest *req,
                             const char   *label,
                             double        value)
{
  double *v;

  g_return_if_fail (req != NULL && label != NULL);
  v = g_new (double, 1);
  *v = value;
  g_hash_table_replace (req->overrides, g_strdup (label), v);
}

void
wf_run_request_free (WfRunRequest *req)
{
  if (req == NULL)
    return;
  g_free (req->text);
  g_free (req->code);
  g_free (req->provider);
  g_free (req->model);
  g_clear_pointer (&req->overrides, g_hash_table_unref);
  g_free (req);
}

/* ---- the object ---- */

static void
wf_pipeline_finalize (GObject *object)
{
  WfPipeline *self = WF_PIPELINE (object);

  g_free (self->db_path);
  g_clear_object (&self->sandbox);
  g_clear_pointer (&self->providers, g_hash_table_unref);
  g_clear_pointer (&self->idle_stores, g_ptr_array_unref);
  g_free (self->telemetry_url);
  g_free (self->telemetry_headers);
  g_clear_object (&self->models);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (wf_pipeline_parent_class)->finalize (object);
}

static void
wf_pipeline_class_init (WfPipelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wf_pipeline_finalize;

  signals[SIGNAL_STAGE_STARTED] =
    g_signal_new ("stage-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_STAGE_FINISHED] =
    g_signal_new ("stage-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_INT64, G_TYPE_STRING);
  signals[SIGNAL_CODE_DELTA] =
    g_signal_new ("code-delta", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
wf_pipeline_init (WfPipeline *self)
{
  g_mutex_init (&self->lock);
  self->providers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->idle_stores = g_ptr_array_new_with_free_func (g_object_unref);
  wf_pipeline_set_currency (self, NULL);
}

WfPipeline *
wf_pipeline_new (const char *db_path,
                 WfSandbox  *sandbox)
{
  WfPipeline *self;
  g_autoptr(WfProviderOffline) offline = wf_provider_offline_new ();

  g_return_val_if_fail (db_path != NULL, NULL);
  self = g_object_new (WF_TYPE_PIPELINE, NULL);
  self->db_path = g_strdup (db_path);
  if (sandbox != NULL)
    self->sandbox = g_object_ref (sandbox);
  wf_pipeline_add_provider (self, WF_LLM_PROVIDER (offline));
  return self;
}

void
wf_pipeline_add_provider (WfPipeline    *self,
                          WfLlmProvider *provider)
{
  g_return_if_fail (WF_IS_PIPELINE (self));
  g_return_if_fail (WF_IS_LLM_PROVIDER (provider));
  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->providers, g_strdup (wf_llm_provider_get_name (provider)),
                        g_object_ref (provider));
  g_mutex_unlock (&self->lock);
}

gboolean
wf_pipeline_set_telemetry (WfPipeline  *self,
                           const char  *endpoint,
                           const char  *headers,
                           GError     **error)
{
  g_autofree char *url = NULL;

  g_return_val_if_fail (WF_IS_PIPELINE (self), FALSE);
  if (endpoint != NULL)
    {
      url = wf_telemetry_traces_url (endpoint);
      if (url == NULL)
        {
          g_set_error (error, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_INVALID,
                       _("The telemetry endpoint must be an http or https address."));
          return FALSE;
        }
    }
  if (headers != NULL && *headers != '\0')
    {
      g_autoptr(GPtrArray) parsed = wf_telemetry_parse_headers (headers, error);

      if (parsed == NULL)
        return FALSE;
    }
  g_mutex_lock (&self->lock);
  g_free (self->telemetry_url);
  self->telemetry_url = g_strdup (endpoint);
  g_free (self->telemetry_headers);
  self->telemetry_headers = g_strdup (headers != NULL && *headers != '\0' ? headers : NULL);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

void
wf_pipeline_set_model_router (WfPipeline    *self,
                              WfModelRouter *router)
{
  g_return_if_fail (WF_IS_PIPELINE (self));
  g_return_if_fail (router == NULL || WF_IS_MODEL_ROUTER (router));
  g_mutex_lock (&self->lock);
  g_set_object (&self->models, router);
  /* A router given by the caller has its catalogue already. */
  self->models_loaded = router != NULL;
  g_mutex_unlock (&self->lock);
}

void
wf_pipeline_set_currency (WfPipeline *self,
                          const char *code)
{
  g_autofree char *from_locale = NULL;

  g_return_if_fail (WF_IS_PIPELINE (self));
  /* It is written into generated programs and prompts: a code, nothing else. */
  if (code != NULL && !wf_currency_code_is_valid (code))
    {
      g_warning ("Ignoring the currency “%s”: not an ISO 4217 code of three capital letters", code);
      return;
    }
  if (code == NULL)
    code = from_locale = wf_currency_from_locale ();
  g_mutex_lock (&self->lock);
  memcpy (self->currency, code, sizeof self->currency);
  g_mutex_unlock (&self->lock);
}

/* The catalogue entry of MODEL_ID with its prices, or NULL (price unknown).
 * The store's cached catalogue is read once, not per run. */
static WfModelInfo *
lookup_model (WfPipeline *self,
              WfStore    *store,
              const char *model_id)
{
  WfModelRouter *router;
  WfModelInfo *info;

  if (model_id == NULL)
    return NULL;
  g_mutex_lock (&self->lock);
  if (self->models == NULL)
    self->models = wf_model_router_new ();
  if (!self->models_loaded)
    {
      g_autoptr(GError) error = NULL;

      if (!wf_model_router_load_cache (self->models, store, &error))
        g_debug ("no cached model catalogue, built-in prices only: %s", error->message);
      self->models_loaded = TRUE;
    }
  router = g_object_ref (self->models);
  g_mutex_unlock (&self->lock);
  info = wf_model_router_dup_model (router, model_id);
  g_object_unref (router);
  return info;
}

static gboolean
telemetry_enabled (WfPipeline *self)
{
  gboolean enabled;

  g_mutex_lock (&self->lock);
  enabled = self->telemetry_url != NULL;
  g_mutex_unlock (&self->lock);
  return enabled;
}

static WfLlmProvider *
dup_provider (WfPipeline *self,
              const char *name)
{
  WfLlmProvider *p;

  g_mutex_lock (&self->lock);
  p = g_hash_table_lookup (self->providers, name ? name : "offline");
  if (p != NULL)
    g_object_ref (p);
  g_mutex_unlock (&self->lock);
  return p;
}

static WfSandbox *
dup_sandbox (WfPipeline  *self,
             GError     **error)
{
  WfSandbox *sb = NULL;

  g_mutex_lock (&self->lock);
  if (self->sandbox == NULL)
    self->sandbox = wf_sandbox_get_default (NULL, error);
  if (self->sandbox != NULL)
    sb = g_object_ref (self->sandbox);
  g_mutex_unlock (&self->lock);
  return sb;
}

/* A connection of the pool, or a new one. Each is used by one thread at a
 * time: taken for a run, given back when the run is over. */
static WfStore *
take_store (WfPipeline  *self,
            GError     **error)
{
  WfStore *store = NULL;

  g_mutex_lock (&self->lock);
  if (self->idle_stores->len > 0)
    store = g_ptr_array_steal_index_fast (self->idle_stores, self->idle_stores->len - 1);
  g_mutex_unlock (&self->lock);
  if (store == NULL)
    store = wf_store_open (self->db_path, error);
  return store;
}

static void
give_back_store (WfPipeline *self,
                 WfStore    *store)   /* (transfer full) */
{
  if (store == NULL)
    return;
  g_mutex_lock (&self->lock);
  if (self->idle_stores->len < MAX_IDLE_STORES)
    g_ptr_array_add (self->idle_stores, g_steal_pointer (&store));
  g_mutex_unlock (&self->lock);
  g_clear_object (&store);
}

/* ---- progress on the caller's context ---- */

typedef struct
{
  WfPipeline *self;
  guint       signal;
  char       *name;
  gint64      ms;
  char       *status;
} Event;

static gboolean
emit_event (gpointer data)
{
  Event *ev = data;

  if (ev->signal == SIGNAL_STAGE_FINISHED)
    g_signal_emit (ev->self, signals[ev->signal], 0, ev->name, ev->ms, ev->status);
  else
    g_signal_emit (ev->self, signals[ev->signal], 0, ev->name);
  g_object_unref (ev->self);
  g_free (ev->name);
  g_free (ev->status);
  g_free (ev);
  return G_SOURCE_REMOVE;
}

/* The state of one run on its worker thread. */
typedef struct
{
  WfPipeline    *self;
  GMainContext  *context;       /* the caller's */
  WfRunRequest  *req;
  WfStore       *store;
  WfSandbox     *sandbox;
  WfRun         *run;
  GCancellable  *cancellable;
  WfCostSpan    *span;          /* the stage in progress */
  WfLedgerEntry *settlement;
  WfReservation *reservation;
  WfBudget      *budget;
  WfIntent       intent;
  WfQueryParams *params;
  char           currency[4];   /* the money's: the question's, else the pipeline's default */
  gboolean       currency_named;
  WfTelemetryExporter *exporter;  /* nullable: export off; on the run's connection */
  GString       *stream_raw;    /* the model's answer so far, while it streams */
  gsize          stream_pos;    /* decoded up to here */
  int            stream_state;  /* STREAM_SEEK | STREAM_CODE | STREAM_DONE */
} Ctx;

enum { STREAM_SEEK, STREAM_CODE, STREAM_DONE };

static void
ctx_free (Ctx *c)
{
  /* The budget and the exporter hold the connection too: they go first. */
  g_clear_object (&c->budget);
  g_clear_object (&c->exporter);
  if (c->self != NULL && c->store != NULL)
    give_back_store (c->self, g_steal_pointer (&c->store));
  g_clear_object (&c->self);
  g_clear_pointer (&c->context, g_main_context_unref);
  g_clear_pointer (&c->req, wf_run_request_free);
  g_clear_object (&c->store);
  g_clear_object (&c->sandbox);
  g_clear_pointer (&c->run, wf_run_free);
  g_clear_object (&c->cancellable);
  g_clear_pointer (&c->span, wf_cost_span_free);
  g_clear_pointer (&c->settlement, wf_ledger_entry_free);
  g_clear_pointer (&c->reservation, wf_reservation_free);
  g_clear_object (&c->budget);
  g_clear_pointer (&c->params, wf_query_params_free);
  if (c->stream_raw != NULL)
    g_string_free (c->stream_raw, TRUE);
  g_free (c);
}

static void
post (Ctx        *c,
      guint       signal,
      const char *name,
      gint64      ms,
      const char *status)
{
  Event *ev;

  if (c->context == NULL)
    return;
  ev = g_new0 (Event, 1);
  ev->self = g_object_ref (c->self);
  ev->signal = signal;
  ev->name = g_strdup (name);
  ev->ms = ms;
  ev->status = g_strdup (status);
  g_main_context_invoke (c->context, emit_event, ev);
}

static void
stage_begin (Ctx        *c,
             const char *name)
{
  g_clear_pointer (&c->span, wf_cost_span_free);
  c->span = wf_cost_span_new (name);
  c->span->start_us = g_get_real_time ();
  c->span->duration_us = g_get_monotonic_time ();   /* start; replaced at the end */
  post (c, SIGNAL_STAGE_STARTED, name, 0, NULL);
}

static void
stage_end (Ctx        *c,
           const char *status)
{
  WfCostSpan *span = g_steal_pointer (&c->span);

  if (span == NULL)
    return;
  span->duration_us = g_get_monotonic_time () - span->duration_us;
  g_free (span->outcome);
  span->outcome = g_strdup (status);
  post (c, SIGNAL_STAGE_FINISHED, span->stage, span->duration_us / 1000, status);
  g_ptr_array_add (c->run->spans, span);
}

static void
set_outcome (Ctx        *c,
             WfOutcome   outcome,
             const char *message)
{
  c->run->outcome = outcome;
  g_free (c->run->message);
  c->run->message = g_strdup (message);
}

static gboolean
check_cancelled (Ctx *c)
{
  if (!g_cancellable_is_cancelled (c->cancellable))
    return FALSE;
  if (c->span != NULL)
    stage_end (c, "cancelled");
  set_outcome (c, WF_OUTCOME_CANCELLED, _("The run was cancelled. Nothing was changed."));
  return TRUE;
}

/* ---- stages ---- */

static gboolean
stage_validate (Ctx *c)
{
  WfRunRequest *req = c->req;
  const char *text = req->text ? req->text : "";

  stage_begin (c, "validate");
  if (req->parent_run_id > 0)
    {
      stage_end (c, "ok");
      return TRUE;
    }
  if (req->mode == WF_MODE_ASK)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (text));

      if (*stripped == '\0' || strlen (text) > MAX_QUESTION_BYTES || !g_utf8_validate (text, -1, NULL))
        {
          stage_end (c, "error");
          set_outcome (c, WF_OUTCOME_REFUSED,
                       /* xgettext:no-c-format */
                       *stripped == '\0' ? _("The question is empty: ask something about money, for example "
                                             "“what is the monthly payment on a $40k loan at 7.5% over 5 years?”")
                                         : _("The question is too long or is not valid text. Keep it under 4000 "
                                             "characters."));
          return FALSE;
        }
    }
  else if (req->code == NULL || strlen (req->code) > MAX_CODE_BYTES || !g_utf8_validate (req->code, -1, NULL))
    {
      stage_end (c, "error");
      set_outcome (c, WF_OUTCOME_REFUSED, _("There is no code to run, or it is too large or not valid text."));
      return FALSE;
    }
  if (g_hash_table_size (req->overrides) > MAX_OVERRIDES)
    {
      stage_end (c, "error");
      set_outcome (c, WF_OUTCOME_REFUSED, _("Too many changed assumptions in one run."));
      return FALSE;
    }
  stage_end (c, "ok");
  return TRUE;
}

/* The parameters in force in the session, rebuilt by replaying its questions
 * through the deterministic router: nothing more needs to be stored. */
static void
replay_session (Ctx *c)
{
  g_autoptr(GPtrArray) messages = NULL;
  guint i;

  c->intent = WF_INTENT_NONE;
  if (c->req->session_id <= 0)
    return;
  messages = wf_store_list_messages (c->store, c->req->session_id, NULL);
  for (i = 0; messages != NULL && i < messages->len; i++)
    {
      const WfMessage *m = g_ptr_array_index (messages, i);
      g_autoptr(WfRoute) earlier = NULL;
      WfQueryContext qc;

      if (g_strcmp0 (m->role, "user") != 0)
        continue;
      wf_query_context_init (&qc);
      qc.previous_intent = c->intent;
      qc.previous_params = c->params;
      earlier = wf_query_route (m->content, &qc, NULL);
      if (earlier == NULL || earlier->decision != WF_ROUTE_DECISION_ROUTE ||
          !wf_templates_supports (earlier->intent))
        continue;
      c->intent = earlier->intent;
      g_clear_pointer (&c->params, wf_query_params_free);
      c->params = g_steal_pointer (&earlier->params);
    }
}

static char *
clarification_json (const WfRoute *route)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  guint i;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "question");
  json_builder_add_string_value (b, route->clarify_question ? route->clarify_question : "");
  json_builder_set_member_name (b, "options");
  json_builder_begin_array (b);
  for (i = 0; route->options != NULL && i < route->options->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (route->options, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* Returns FALSE when the turn ends here (refused, clarify, needs provider). */
static gboolean
stage_classify (Ctx            *c,
                WfLlmProvider  *provider,
                gboolean       *out_use_template)
{
  g_autoptr(WfRoute) route = NULL;
  g_autoptr(GError) error = NULL;
  WfQueryContext qc;
  gboolean is_offline = g_str_equal (wf_llm_provider_get_name (provider), "offline");
  g_autoptr(GPtrArray) datasets = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  *out_use_template = FALSE;
  stage_begin (c, "classify");
  replay_session (c);
  wf_query_context_init (&qc);
  qc.previous_intent = c->intent;
  qc.previous_params = c->params;
  /* Questions about the user's datasets are the model's, never a template's. */
  datasets = wf_store_list_datasets (c->store, NULL);
  for (guint k = 0; datasets != NULL && k < datasets->len; k++)
    g_ptr_array_add (names, ((WfDataset *) g_ptr_array_index (datasets, k))->name);
  g_ptr_array_add (names, NULL);
  qc.dataset_names = (const char * const *) names->pdata;
  route = wf_query_route (c->req->text, &qc, &error);
  if (route == NULL)
    {
      stage_end (c, "error");
      set_outcome (c, WF_OUTCOME_REFUSED, error->message);
      return FALSE;
    }
  if (route->decision == WF_ROUTE_DECISION_REFUSE)
    {
      g_autofree char *msg = g_strdup_printf (_("I can only help with money questions. %s"),
                                              route->reason ? route->reason : "");
      stage_end (c, "refused");
      set_outcome (c, WF_OUTCOME_REFUSED, msg);
      return FALSE;
    }
  if (route->decision == WF_ROUTE_DECISION_CLARIFY)
    {
      stage_end (c, "clarify");
      set_outcome (c, WF_OUTCOME_NEEDS_CLARIFICATION,
                   route->clarify_question ? route->clarify_question
                                           : _("Could you say a little more about what you want to know?"));
      c->run->clarification_json = clarification_json (route);
      return FALSE;
    }
  /* Named in this question or, for a follow-up, in the turn it continues. */
  if (wf_currency_code_is_valid (route->params->currency))
    {
      memcpy (c->currency, route->params->currency, sizeof c->currency);
      c->currency_named = !route->params->currency_assumed;
    }
  if (wf_templates_supports (route->intent))
    {
      c->intent = route->intent;
      g_clear_pointer (&c->params, wf_query_params_free);
      c->params = wf_query_params_copy (route->params);
      if (!c->currency_named)
        {
          memcpy (c->params->currency, c->currency, sizeof c->params->currency);
          c->params->currency_assumed = TRUE;
        }
      *out_use_template = is_offline;
    }
  else if (is_offline && wf_query_mentions_data (c->req->text, qc.dataset_names))
    {
      stage_end (c, "needs_provider");
      set_outcome (c, WF_OUTCOME_NEEDS_PROVIDER,
                   _("Questions about your imported data need a language model: the offline templates "
                     "only know the numbers you type. Add an OpenRouter or Cohere API key (`whatif-cli keys "
                     "set openrouter`, or Preferences → Providers), or set the base URL of a local "
                     "OpenAI-compatible server, then ask again with --provider. To summarise the data "
                     "without a model, run an SQL query on it (`whatif-cli run query.sql`)."));
      return FALSE;
    }
  else if (is_offline)
    {
      stage_end (c, "needs_provider");
      set_outcome (c, WF_OUTCOME_NEEDS_PROVIDER,
                   _("This question needs a language model: no offline template fits it. Add an OpenRouter "
                     "or Cohere API key (`whatif-cli keys set openrouter`, or Preferences → Providers), or "
                     "set the base URL of a local OpenAI-compatible server such as Ollama or llama.cpp, "
                     "then ask again with --provider."));
      return FALSE;
    }
  stage_end (c, wf_intent_to_string (route->intent));
  return TRUE;
}

static gboolean
apply_repair (Ctx         *c,
              const char  *raw,
              GError     **error)
{
  g_autoptr(WfRepairResult) r = wf_repair (raw, -1, MAX_CODE_BYTES, NULL, error);
  guint i;

  if (r == NULL)
    return FALSE;
  g_free (c->run->code);
  c->run->code = g_strdup (r->code);
  g_free (c->run->explanation);
  c->run->explanation = g_strdup (r->explanation);
  g_free (c->run->language);
  c->run->language = g_strdup (r->language ? r->language : "python");
  for (i = 0; r->fixes != NULL && i < r->fixes->len; i++)
    g_ptr_array_add (c->run->fixes, g_strdup (g_ptr_array_index (r->fixes, i)));
  return TRUE;
}

static int
hex_value (char ch)
{
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F')
    return ch - 'A' + 10;
  return -1;
}

/* \uXXXX at p (p[0] == '\\'); -1 when not all there yet, -2 when malformed. */
static gint32
read_u_escape (const char *p,
               const char *end)
{
  gint32 v = 0;
  int i;

  if (end - p < 6)
    return -1;
  if (p[1] != 'u')
    return -2;
  for (i = 2; i < 6; i++)
    {
      int h = hex_value (p[i]);

      if (h < 0)
        return -2;
      v = v * 16 + h;
    }
  return v;
}

/* The code as the model writes it: the "code" member of its JSON answer,
 * decoded from the streamed text piece by piece, so the app shows Python and
 * not JSON. Returns the newly decoded text, or NULL. Anything that is not a
 * JSON answer (a fenced block, prose) shows nothing until the final code. */
static char *
code_stream_feed (Ctx        *c,
                  const char *delta)
{
  GString *out = NULL;
  const char *p, *end;

  if (c->stream_raw == NULL)
    c->stream_raw = g_string_new (NULL);
  g_string_append (c->stream_raw, delta);
  p = c->stream_raw->str + c->stream_pos;
  end = c->stream_raw->str + c->stream_raw->len;

  if (c->stream_state == STREAM_SEEK)
    {
      const char *key = p;

      /* "code" as a key: not escaped inside another string, then : and " */
      while ((key = strstr (key, "\"code\"")) != NULL)
        {
          const char *q = key + 6;

          if (key > c->stream_raw->str && key[-1] == '\\')
            {
              key++;
              continue;
            }
          while (q < end && g_ascii_isspace (*q))
            q++;
          if (q < end && *q == ':')
            {
              q++;
              while (q < end && g_ascii_isspace (*q))
                q++;
              if (q < end && *q == '"')
                {
                  c->stream_state = STREAM_CODE;
                  p = q + 1;
                  break;
                }
            }
          if (q >= end)
            break;   /* the rest has not arrived yet: look again from here */
          key++;
        }
      if (c->stream_state == STREAM_SEEK)
        {
          /* Keep the tail that may be the start of the key. */
          c->stream_pos = key != NULL ? (gsize) (key - c->stream_raw->str)
                                      : c->stream_raw->len > 8 ? c->stream_raw->len - 8 : 0;
          return NULL;
        }
    }
  if (c->stream_state != STREAM_CODE)
    return NULL;

  out = g_string_new (NULL);
  while (p < end)
    {
      if (*p == '"')
        {
          c->stream_state = STREAM_DONE;
          p++;
          break;
        }
      if (*p != '\\')
        {
          g_string_append_c (out, *p++);
          continue;
        }
      if (end - p < 2)
        break;
      switch (p[1])
        {
        case 'n':
        case 't':
        case 'r':
        case 'b':
        case 'f':
          g_string_append_c (out, p[1] == 'n' ? '\n' : p[1] == 't' ? '\t' : p[1] == 'r' ? '\r'
                                  : p[1] == 'b' ? '\b' : '\f');
          p += 2;
          break;
        case '/':
        case '\\':
        case '"':
          g_string_append_c (out, p[1]);
          p += 2;
          break;
        case 'u':
          {
            gint32 u = read_u_escape (p, end);
            gint32 lo;

            if (u == -1)
              goto wait;
            if (u == -2)
              {
                c->stream_state = STREAM_DONE;   /* not JSON after all: stop showing */
                goto wait;
              }
            if (u >= 0xD800 && u <= 0xDBFF)
              {
                lo = read_u_escape (p + 6, end);
                if (lo == -1)
                  goto wait;
                if (lo >= 0xDC00 && lo <= 0xDFFF)
                  {
                    g_string_append_unichar (out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                    p += 12;
                    break;
                  }
                u = 0xFFFD;
              }
            else if (u >= 0xDC00 && u <= 0xDFFF)
              u = 0xFFFD;
            g_string_append_unichar (out, u);
            p += 6;
          }
          break;
        default:
          c->stream_state = STREAM_DONE;
          goto wait;
        }
    }
wait:
  c->stream_pos = p - c->stream_raw->str;
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

static void
code_delta (const char *delta,
            gpointer    user_data)
{
  Ctx *c = user_data;
  g_autofree char *code = code_stream_feed (c, delta);

  if (code != NULL)
    post (c, SIGNAL_CODE_DELTA, code, 0, NULL);
}

/* One model call, counted into the current span and the run's tokens. */
static char *
call_model (Ctx            *c,
            WfLlmProvider  *provider,
            GPtrArray      *messages,
            GError        **error)
{
  g_autoptr(WfGenerateResult) gen = NULL;
  WfGenerateParams gp;
  guint i;

  wf_generate_params_init (&gp);
  gp.model = g_strdup (c->req->model);
  gp.max_tokens = MAX_OUTPUT_TOKENS;
  gp.temperature = 0.0;
  gp.json_mode = TRUE;
  gp.stream = c->context != NULL;
  gp.on_delta = code_delta;
  gp.on_delta_data = c;
  /* Each call streams a whole new answer. */
  if (c->stream_raw != NULL)
    g_string_truncate (c->stream_raw, 0);
  c->stream_pos = 0;
  c->stream_state = STREAM_SEEK;
  gen = wf_llm_provider_generate (provider, messages, &gp, c->cancellable, error);
  wf_generate_params_clear (&gp);
  if (gen == NULL)
    return NULL;
  c->span->provider = g_strdup (wf_llm_provider_get_name (provider));
  g_free (c->span->model);
  c->span->model = g_strdup (gen->model);
  if (c->run->model == NULL && gen->model != NULL)
    c->run->model = g_strdup (gen->model);
  if (gen->has_usage)
    c->span->input_tokens += gen->input_tokens;
  else
    for (i = 0; i < messages->len; i++)
      c->span->input_tokens += wf_budget_estimate_tokens (((WfChatMessage *) g_ptr_array_index (messages, i))->content);
  c->span->output_tokens += gen->has_usage ? gen->output_tokens : wf_budget_estimate_tokens (gen->text);
  if (gen->has_reported_cost)
    c->span->llm_micros += wf_usd_to_micros (gen->reported_cost_usd);
  else if (!wf_llm_provider_is_free (provider))
    c->span->estimated = TRUE;
  return g_steal_pointer (&gen->text);
}

static WfOutcome
provider_outcome (const GError *error)
{
  if (g_error_matches (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_CANCELLED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return WF_OUTCOME_CANCELLED;
  if (g_error_matches (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_TIMEOUT))
    return WF_OUTCOME_TIMEOUT;
  if (g_error_matches (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_NOT_CONFIGURED))
    return WF_OUTCOME_NEEDS_PROVIDER;
  return WF_OUTCOME_PROVIDER_ERROR;
}

/* SQL mode's firewall: SQLite's parser on the workbook's own schema (the
 * runner's authoriser checks again in the sandbox). No workbook yet: the
 * schema is empty, so only table-free queries pass. */
static WfVerdict *
check_sql (Ctx     *c,
           GError **error)
{
  g_autofree char *workbook = wf_store_dup_workbook_path (c->store);
  g_autoptr(WfSqlFirewall) firewall = NULL;

  g_autoptr(WfVerdict) verdict = NULL;
  gboolean have_workbook = g_file_test (workbook, G_FILE_TEST_IS_REGULAR);

  if (have_workbook)
    firewall = wf_sql_firewall_new_for_db (workbook, error);
  else
    firewall = wf_sql_firewall_new_for_schema ("", error);
  if (firewall == NULL)
    return NULL;
  verdict = wf_sql_firewall_check (firewall, c->run->code);
  if (!have_workbook && !wf_verdict_is_allowed (verdict) &&
      wf_verdict_has_rule (verdict, "sql-syntax"))
    {
      /* Most likely a table that would be there once imported. */
      g_set_error (error, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_INVALID,
                   _("No data has been imported yet, so there are no tables to query. Import a CSV "
                     "file first (whatif-cli import FILE.csv --as NAME, or Import data in the app)."));
      return NULL;
    }
  return g_steal_pointer (&verdict);
}

/* Stores the verdict on the run; FALSE (outcome blocked, span ended) when it
 * does not allow the code. The firewall span is the current one. */
static gboolean
apply_verdict (Ctx             *c,
               const WfVerdict *verdict,
               const char      *checker)
{
  {
    g_autoptr(JsonNode) node = wf_verdict_to_json_node (verdict);
    JsonObject *obj = json_node_get_object (node);

    if (checker != NULL)
      json_object_set_string_member (obj, "checker", checker);
    g_free (c->run->verdict_json);
    c->run->verdict_json = json_to_string (node, FALSE);
  }
  if (!wf_verdict_is_allowed (verdict))
    {
      const WfRule *rule = verdict->rules->len > 0 ? g_ptr_array_index (verdict->rules, 0) : NULL;
      g_autofree char *msg = g_strdup_printf (_("The firewall stopped this program before it ran: %s "
                                                "(line %d). Nothing was executed."),
                                              rule ? rule->message : _("a forbidden operation"),
                                              rule ? rule->line : 0);
      stage_end (c, "blocked");
      set_outcome (c, WF_OUTCOME_BLOCKED, msg);
      return FALSE;
    }
  return TRUE;
}

static gboolean
policy_installed (void)
{
  static gsize once = 0;
  static gboolean installed;

  /* The runner directory does not change while the process runs. */
  if (g_once_init_enter (&once))
    {
      g_autofree char *path = g_build_filename (wf_sandbox_get_runner_dir (), "whatif_policy.py", NULL);

      installed = g_file_test (path, G_FILE_TEST_EXISTS);
      g_once_init_leave (&once, 1);
    }
  return installed;
}

/* The local backends run the runner's policy check in the job itself, before
 * any of the code runs, and report its verdict with the result: one sandbox
 * job instead of a check job followed by a run job that checks again. */
static gboolean
checks_in_job (Ctx *c)
{
  const char *backend;

  if (g_strcmp0 (c->run->language, "python") != 0 || !policy_installed ())
    return FALSE;
  backend = wf_sandbox_get_name (c->sandbox);
  return g_strcmp0 (backend, "bwrap") == 0 || g_strcmp0 (backend, "flatpak") == 0;
}

static gboolean
verdict_allows (Ctx *c)
{
  g_autoptr(WfVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  gboolean local = FALSE;

  stage_begin (c, "firewall");
  if (g_strcmp0 (c->run->language, "sql") == 0)
    verdict = check_sql (c, &error);
  else
    verdict = wf_firewall_check_python (c->sandbox, c->run->code, c->cancellable, &error);
  if (verdict == NULL && g_strcmp0 (c->run->language, "sql") == 0)
    {
      stage_end (c, "error");
      set_outcome (c, WF_OUTCOME_FAILED, error->message);
      return FALSE;
    }
  if (verdict == NULL && !g_cancellable_is_cancelled (c->cancellable))
    {
      /* The runner's policy hook may be unavailable: check on the host, parse-only. */
      g_debug ("sandbox check failed (%s); checking on the host", error->message);
      g_clear_error (&error);
      verdict = wf_firewall_check_python_local (NULL, wf_sandbox_get_runner_dir (), c->run->code,
                                                c->cancellable, &error);
      local = TRUE;
    }
  if (verdict == NULL)
    {
      if (check_cancelled (c))
        return FALSE;
      stage_end (c, "error");
      set_outcome (c, WF_OUTCOME_SANDBOX_ERROR, error->message);
      return FALSE;
    }
  if (!apply_verdict (c, verdict, local ? "host" : NULL))
    return FALSE;
  stage_end (c, local ? "ok-host" : "ok");
  return TRUE;
}

/* The firewall span of a job that checked its own code: ends it with the
 * verdict the runner sent. The runner's wall time is the execution's, the
 * rest of the job's time (hand-over and the check) the firewall's. */
static gboolean
job_verdict_allows (Ctx               *c,
                    const WfRunResult *r,
                    gint64             exec_us)
{
  g_autoptr(WfVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;

  c->span->duration_us += exec_us;   /* the start, moved: the firewall ends where the run began */
  if (r->verdict_json == NULL)
    {
      stage_end (c, "error");
      set_outcome (c, WF_OUTCOME_SANDBOX_ERROR,
                   r->error_message ? r->error_message
                                    : _("The sandbox ran the job without the firewall’s verdict."));
      return FALSE;
    }
  verdict = wf_verdict_from_json (r->verdict_json, -1, &error);
  if (verdict == NULL)
    {
      stage_end (c, "error");
      set_outcome (c, WF_OUTCOME_SANDBOX_ERROR, error->message);
      return FALSE;
    }
  if (!apply_verdict (c, verdict, NULL))
    return FALSE;
  stage_end (c, "ok");
  return TRUE;
}

static void
add_overrides (WfJob      *job,
               GHashTable *overrides)
{
  GHashTableIter iter;
  gpointer k, v;

  if (overrides == NULL)
    return;
  g_hash_table_iter_init (&iter, overrides);
  while (g_hash_table_iter_next (&iter, &k, &v))
    wf_job_set_override (job, k, *(double *) v);
}

static char *
overrides_to_json (GHashTable *overrides)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GHashTableIter iter;
  gpointer k, v;

  json_builder_begin_object (b);
  g_hash_table_iter_init (&iter, overrides);
  while (g_hash_table_iter_next (&iter, &k, &v))
    {
      json_builder_set_member_name (b, k);
      wf_json_add_double (b, *(double *) v);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* Every run may read the user's datasets: wf.load() and SQL mode. Only a
 * workbook that exists is named (a backend may refuse to share a missing
 * file), and for Python only when there are datasets to load. */
static void
add_workbook (WfJob   *job,
              WfStore *store)
{
  g_autoptr(GPtrArray) datasets = wf_store_list_datasets (store, NULL);
  g_autofree char *workbook = wf_store_dup_workbook_path (store);
  gboolean have_datasets = datasets != NULL && datasets->len > 0;

  if ((have_datasets || g_strcmp0 (job->language, "sql") == 0) &&
      g_file_test (workbook, G_FILE_TEST_IS_REGULAR))
    job->workbook_path = g_steal_pointer (&workbook);
  if (have_datasets)
    job->datasets = g_steal_pointer (&datasets);
}

/* The workbook and datasets FROM names, for another job of the same run. */
static void
copy_workbook (WfJob       *job,
               const WfJob *from)
{
  g_free (job->workbook_path);
  job->workbook_path = g_strdup (from->workbook_path);
  g_clear_pointer (&job->datasets, g_ptr_array_unref);
  if (from->datasets != NULL)
    job->datasets = g_ptr_array_ref (from->datasets);
}

/* Runs the code; returns the result (nullable on a sandbox failure). */
static WfRunResult *
execute (Ctx     *c,
         GError **error)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, c->run->language, c->run->code);

  /* The static check and the audit hook run with the job when the runner has
   * the policy; a verdict was already required or comes with the result. */
  job->policy = policy_installed ();
  add_overrides (job, c->req->overrides);
  add_workbook (job, c->store);
  return wf_sandbox_run (c->sandbox, job, NULL, NULL, c->cancellable, error);
}

static gboolean
result_has_output (const WfRunResult *r)
{
  return r->metrics->len > 0 || r->tables->len > 0;
}

static char *
error_summary (const WfRunResult *r)
{
  if (r->error_message != NULL)
    return g_strdup (r->error_message);
  if (r->stderr_text != NULL && *r->stderr_text)
    return g_strndup (r->stderr_text, 2000);
  return g_strdup (_("the program produced no metrics or tables"));
}

static char *
format_number (double      value,
               const char *unit)
{
  const char *symbol = wf_currency_code_is_valid (unit) ? wf_currency_symbol (unit) : NULL;

  if (!isfinite (value))
    return g_strdup (_("not a number"));
  if (symbol != NULL)
    {
      /* A symbol several currencies share (kr) says too little: the code. */
      if (g_strcmp0 (wf_currency_for_symbol (symbol), unit) != 0)
        symbol = unit;
      /* Letters go after the amount (12.00 CHF), signs before it (€12.00). */
      if (g_ascii_isalpha (symbol[0]))
        return g_strdup_printf ("%.2f %s", value, symbol);
      return value < 0 ? g_strdup_printf ("-%s%.2f", symbol, -value) : g_strdup_printf ("%s%.2f", symbol, value);
    }
  if (g_strcmp0 (unit, "%") == 0)
    return g_strdup_printf ("%.2f%%", value);
  if (g_strcmp0 (unit, "ratio") == 0)
    return g_strdup_printf ("%.2f%%", value * 100.0);
  if (g_strcmp0 (unit, "count") == 0)
    return g_strdup_printf ("%.0f", value);
  /* Four significant digits read well up to thousands; beyond, whole
   * numbers, never an exponent a person has to decode. */
  if (fabs (value) >= 1e4 && fabs (value) < 1e15)
    return g_strdup_printf ("%.0f%s%s", value, unit ? " " : "", unit ? unit : "");
  return g_strdup_printf ("%.4g%s%s", value, unit ? " " : "", unit ? unit : "");
}

static void
build_answer (Ctx *c)
{
  const WfRunResult *r = c->run->result;
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; i < r->metrics->len && i < 3; i++)
    {
      const WfMetric *m = g_ptr_array_index (r->metrics, i);
      g_autofree char *num = format_number (m->value, m->unit);
      g_autofree char *name = g_strdelimit (g_strdup (m->name), "_", ' ');

      g_string_append_printf (s, "%s%s: %s", i ? "; " : "", name, num);
    }
  if (s->len > 0)
    g_string_append_c (s, '.');
  else if (g_strcmp0 (c->run->language, "sql") == 0 && r->tables->len > 0)
    g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "The query returned %u row.", "The query returned %u rows.",
                                            wf_table_get_n_rows (g_ptr_array_index (r->tables, 0))),
                            wf_table_get_n_rows (g_ptr_array_index (r->tables, 0)));
  else
    g_string_append (s, _("The model produced tables but no single figure."));
  g_free (c->run->answer);
  c->run->answer = g_string_free (s, FALSE);
  set_outcome (c, WF_OUTCOME_ANSWERED, c->run->answer);
}

static void
stage_execute (Ctx           *c,
               WfLlmProvider *provider,
               GPtrArray     *messages)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) r = NULL;
  gboolean repaired = FALSE;
  gboolean in_job;

again:
  /* No verdict yet: the job checks the code itself (checks_in_job). */
  in_job = c->run->verdict_json == NULL && checks_in_job (c);
  stage_begin (c, in_job ? "firewall" : repaired ? "execute-repaired" : "execute");
  r = execute (c, &error);
  if (r == NULL)
    {
      if (check_cancelled (c))
        return;
      stage_end (c, "error");
      set_outcome (c, WF_OUTCOME_SANDBOX_ERROR, error->message);
      return;
    }
  if (in_job && g_cancellable_is_cancelled (c->cancellable))
    {
      check_cancelled (c);   /* ends the firewall span; the verdict may be missing */
      return;
    }
  if (in_job)
    {
      gint64 exec_us = CLAMP (r->wall_ms * 1000, 0, g_get_monotonic_time () - c->span->duration_us);

      if (!job_verdict_allows (c, r, exec_us))
        return;
      stage_begin (c, repaired ? "execute-repaired" : "execute");
      c->span->duration_us -= exec_us;
      c->span->start_us -= exec_us;
    }
  c->span->sandbox_seconds = r->wall_ms / 1000.0;
  if (g_cancellable_is_cancelled (c->cancellable))
    {
      g_clear_pointer (&c->run->result, wf_run_result_free);
      c->run->result = g_steal_pointer (&r);
      check_cancelled (c);
      return;
    }
  if (r->status == WF_RUN_STATUS_OK && result_has_output (r))
    {
      stage_end (c, "ok");
      g_clear_pointer (&c->run->result, wf_run_result_free);
      c->run->result = g_steal_pointer (&r);
      build_answer (c);
      return;
    }
  if ((r->status == WF_RUN_STATUS_OK || r->status == WF_RUN_STATUS_ERROR) && !repaired &&
      provider != NULL && messages != NULL)
    {
      /* One repair round: the error and the code go back to the model. */
      g_autofree char *why = error_summary (r);
      g_autofree char *prompt = g_strdup_printf (
        "Your program failed when it ran:\n```\n%s\n```\nThe program was:\n```python\n%s\n```\n"
        "Answer again with the corrected program in the same JSON shape.", why, c->run->code);
      g_autofree char *raw = NULL;

      stage_end (c, "error");
      stage_begin (c, "repair-runtime");
      g_ptr_array_add (messages, wf_chat_message_new ("assistant", c->run->code));
      g_ptr_array_add (messages, wf_chat_message_new ("user", prompt));
      raw = call_model (c, provider, messages, &error);
      if (raw != NULL && apply_repair (c, raw, &error))
        {
          g_ptr_array_add (c->run->fixes, g_strdup ("runtime_reask"));
          stage_end (c, "ok");
          repaired = TRUE;
          g_clear_pointer (&r, wf_run_result_free);
          g_clear_pointer (&c->run->verdict_json, g_free);
          if (!checks_in_job (c) && !verdict_allows (c))
            return;
          goto again;
        }
      if (check_cancelled (c))
        return;
      stage_end (c, "error");
    }
  else
    stage_end (c, wf_run_status_to_string (r->status));

  switch (r->status)
    {
    case WF_RUN_STATUS_TIMEOUT:
      set_outcome (c, WF_OUTCOME_TIMEOUT, _("The program took too long and was stopped."));
      break;
    case WF_RUN_STATUS_BLOCKED:
      {
        g_autofree char *msg = g_strdup_printf (_("The sandbox blocked the program while it ran: %s"),
                                                r->error_message ? r->error_message : "");
        set_outcome (c, WF_OUTCOME_BLOCKED, msg);
      }
      break;
    case WF_RUN_STATUS_KILLED:
    case WF_RUN_STATUS_REFUSED:
      {
        g_autofree char *msg = g_strdup_printf (_("The sandbox could not run the program: %s"),
                                                r->error_message ? r->error_message : "");
        set_outcome (c, WF_OUTCOME_SANDBOX_ERROR, msg);
      }
      break;
    case WF_RUN_STATUS_OK:
    case WF_RUN_STATUS_ERROR:
    default:
      {
        g_autofree char *why = error_summary (r);
        g_autofree char *msg = g_strdup_printf (_("The program ran but failed: %s"), why);
        set_outcome (c, WF_OUTCOME_FAILED, msg);
      }
      break;
    }
  g_clear_pointer (&c->run->result, wf_run_result_free);
  c->run->result = g_steal_pointer (&r);
}

/* generate + repair for a model (remote, local or offline). */
/* The conversation for a model, within the session's token budget. */
static GPtrArray *
stage_session (Ctx      *c,
               gboolean  use_template)
{
  g_autoptr(WfSession) session = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GPtrArray) datasets = NULL;
  g_autoptr(GHashTable) samples = NULL;
  g_autofree char *system = NULL;
  g_autofree char *data_prompt = NULL;
  g_autofree char *currency_note = NULL;
  GPtrArray *messages;
  guint i, n_dropped = 0;

  stage_begin (c, "session");
  if (use_template)
    {
      /* The template already has the parameters in force from classify. */
      stage_end (c, c->req->session_id > 0 ? "params" : "new");
      return NULL;
    }
  datasets = wf_store_list_datasets (c->store, NULL);
  if (datasets != NULL && datasets->len > 0)
    {
      /* A few rows of each, read in the sandbox, quoted as data in the prompt. */
      g_autoptr(WfSandbox) sandbox = dup_sandbox (c->self, NULL);
      g_autofree char *workbook = wf_store_dup_workbook_path (c->store);

      samples = wf_prompt_fetch_samples (sandbox, workbook, datasets, c->cancellable);
    }
  data_prompt = wf_prompt_build_system_full (datasets, samples);
  currency_note = wf_prompt_currency_note (c->currency, c->currency_named);
  system = g_strconcat (data_prompt, currency_note ? currency_note : "", NULL);
  session = wf_session_new (c->req->session_id, system);
  if (c->req->session_id > 0)
    history = wf_store_list_messages (c->store, c->req->session_id, NULL);
  for (i = 0; history != NULL && i < history->len; i++)
    {
      const WfMessage *m = g_ptr_array_index (history, i);
      wf_session_add_message (session, m->role, m->content);
    }
  if (c->params != NULL)
    wf_session_set_params (session, c->intent, c->params);
  messages = wf_session_build_context (session, c->req->text, &n_dropped);
  stage_end (c, n_dropped > 0 ? "compressed" : "ok");
  return messages;
}

static gboolean
stage_generate (Ctx            *c,
                WfLlmProvider  *provider,
                gboolean        use_template,
                GPtrArray      *messages)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *raw = NULL;

  if (use_template)
    {
      stage_begin (c, "generate");
      raw = wf_templates_render_json (c->intent, c->params, &error);
      c->span->provider = g_strdup ("offline");
      c->run->provider = g_strdup ("offline");
      c->run->model = g_strdup_printf ("offline/%s", wf_intent_to_string (c->intent));
    }
  else
    {
      stage_begin (c, "generate");
      c->run->provider = g_strdup (wf_llm_provider_get_name (provider));
      c->run->model = g_strdup (c->req->model);
      raw = call_model (c, provider, messages, &error);
    }
  if (raw == NULL)
    {
      WfOutcome outcome = provider_outcome (error);

      stage_end (c, "error");
      if (outcome == WF_OUTCOME_CANCELLED)
        check_cancelled (c);
      else
        set_outcome (c, outcome, error->message);
      return FALSE;
    }
  stage_end (c, "ok");

  stage_begin (c, "repair");
  if (!apply_repair (c, raw, &error))
    {
      g_autofree char *reask = NULL;
      g_autofree char *raw2 = NULL;

      if (messages == NULL)
        {
          stage_end (c, "error");
          set_outcome (c, WF_OUTCOME_FAILED, error->message);
          return FALSE;
        }
      /* One correction prompt, counted like any call. */
      reask = wf_repair_build_reask_prompt (error);
      g_clear_error (&error);
      g_ptr_array_add (messages, wf_chat_message_new ("assistant", raw));
      g_ptr_array_add (messages, wf_chat_message_new ("user", reask));
      raw2 = call_model (c, provider, messages, &error);
      if (raw2 == NULL || !apply_repair (c, raw2, &error))
        {
          g_autofree char *msg = g_strdup_printf (_("The model’s answer could not be used, even after "
                                                    "asking again: %s"), error->message);
          stage_end (c, "error");
          if (raw2 == NULL && provider_outcome (error) == WF_OUTCOME_CANCELLED)
            check_cancelled (c);
          else
            set_outcome (c, raw2 == NULL ? provider_outcome (error) : WF_OUTCOME_FAILED, msg);
          return FALSE;
        }
      g_ptr_array_add (c->run->fixes, g_strdup ("reask"));
    }
  stage_end (c, c->run->fixes->len > 0 ? "fixed" : "ok");
  g_free (c->run->code_hash);
  c->run->code_hash = wf_sha256_hex (c->run->code);
  return TRUE;
}

static gboolean
stage_budget (Ctx           *c,
              WfLlmProvider *provider,
              GPtrArray     *messages)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfModelInfo) model = NULL;
  g_autoptr(GString) prompt = g_string_new (NULL);
  WfCostEstimate est;
  g_autofree char *key = NULL;
  g_autofree char *uuid = NULL;
  gboolean is_free = wf_llm_provider_is_free (provider);
  const char *model_id = c->req->model;
  guint i;

  stage_begin (c, "budget");
  if (is_free)
    {
      stage_end (c, "free");
      return TRUE;
    }
  /* The chosen model's catalogue prices, for the whole prompt that will be
   * sent (system prompt and history included); an unknown model is priced
   * conservatively and the run flagged "cost estimated". */
  if (model_id == NULL && g_str_equal (wf_llm_provider_get_name (provider), "openrouter"))
    model_id = WF_OPENROUTER_DEFAULT_MODEL;
  model = lookup_model (c->self, c->store, model_id);
  for (i = 0; messages != NULL && i < messages->len; i++)
    g_string_append (prompt, ((WfChatMessage *) g_ptr_array_index (messages, i))->content);
  if (prompt->len == 0)
    g_string_append (prompt, c->req->text);
  wf_budget_estimate (model, FALSE, prompt->str, MAX_OUTPUT_TOKENS, 2.0, 0, &est);
  c->budget = wf_budget_new (c->store);
  uuid = g_uuid_string_random ();
  key = g_strdup_printf ("run:%s", uuid);
  c->reservation = wf_budget_reserve (c->budget, key, c->req->session_id,
                                      wf_llm_provider_get_name (provider), c->req->model,
                                      FALSE, &est, &error);
  if (c->reservation == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("%s The offline templates still work at no cost: ask "
                                                "again with --provider offline."), error->message);
      stage_end (c, "stopped");
      set_outcome (c, WF_OUTCOME_OVER_BUDGET, msg);
      return FALSE;
    }
  stage_end (c, "reserved");
  return TRUE;
}

static void
stage_settle (Ctx *c)
{
  WfActualCost actual = { 0 };
  gint64 in = 0, out = 0, llm = 0;
  gboolean reported = TRUE, any = FALSE;
  guint i;

  for (i = 0; i < c->run->spans->len; i++)
    {
      const WfCostSpan *s = g_ptr_array_index (c->run->spans, i);

      in += s->input_tokens;
      out += s->output_tokens;
      llm += s->llm_micros;
      if (s->provider != NULL && s->estimated)
        reported = FALSE;
      if (s->input_tokens || s->output_tokens)
        any = TRUE;
    }
  stage_begin (c, "settle");
  if (c->reservation != NULL)
    {
      /* Tokens without a reported cost are priced from the catalogue. */
      g_autoptr(WfModelInfo) model = lookup_model (c->self, c->store,
                                                     c->run->model ? c->run->model : c->reservation->model);

      actual.model = model;
      actual.has_reported_cost = reported && any;
      actual.reported_micros = llm;
      actual.has_usage = any;
      actual.input_tokens = in;
      actual.output_tokens = out;
      c->settlement = wf_budget_build_settlement (c->budget, c->reservation, &actual);
      if (c->settlement != NULL)
        {
          c->run->total_micros = c->settlement->amount_micros;
          c->run->cost_estimated = c->settlement->estimated;
        }
    }
  stage_end (c, c->settlement ? "ok" : "free");
}

/* Queues the run's trace in the outbox when export is on. A trace that cannot
 * be queued is logged and dropped: the run itself is already safe. */
static void
telemetry_enqueue (Ctx *c)
{
  g_autofree char *url = NULL;
  g_autofree char *headers = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&c->self->lock);
  url = g_strdup (c->self->telemetry_url);
  headers = g_strdup (c->self->telemetry_headers);
  g_mutex_unlock (&c->self->lock);
  if (url == NULL)
    return;
  c->exporter = wf_telemetry_exporter_new (c->store);
  /* Never the error's text for the headers: it could quote a credential. */
  if (!wf_telemetry_exporter_set_endpoint (c->exporter, url, NULL) ||
      (headers != NULL && !wf_telemetry_exporter_set_headers_from_string (c->exporter, headers, NULL)))
    {
      g_warning ("telemetry export is misconfigured; run %" PRId64 " was not queued", c->run->id);
      g_clear_object (&c->exporter);
      return;
    }
  key = g_strdup_printf ("run-%" PRId64, c->run->id);
  if (!wf_telemetry_exporter_enqueue_run (c->exporter, key, c->run->session_id, c->run->spans, &error))
    {
      g_warning ("the trace of run %" PRId64 " was not queued: %s", c->run->id, error->message);
      g_clear_object (&c->exporter);
    }
}

static void
run_stages (GTask        *task,
            gpointer      source,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Ctx *c = task_data;
  WfRunRequest *req = c->req;
  g_autoptr(GError) error = NULL;
  g_autoptr(WfLlmProvider) provider = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(WfRun) parent = NULL;
  gboolean use_template = FALSE;

  (void) source;
  (void) cancellable;
  c->store = take_store (c->self, &error);
  if (c->store == NULL)
    {
      g_task_return_new_error (task, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_STORE, "%s", error->message);
      return;
    }
  c->run = wf_run_new ();
  c->run->mode = req->mode;
  c->run->session_id = req->session_id;
  c->run->question = g_strdup (req->text ? req->text : "");
  c->run->created_us = g_get_real_time ();
  c->run->outcome = WF_OUTCOME_FAILED;

  if (req->session_id > 0 && req->parent_run_id <= 0)
    {
      g_autoptr(WfSessionInfo) info = wf_store_get_session (c->store, req->session_id, NULL);

      if (info == NULL)
        {
          g_task_return_new_error (task, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_NOT_FOUND,
                                   _("There is no session %" PRId64 ": it may have been deleted. "
                                     "Ask without a session to start a new one."), req->session_id);
          return;
        }
    }
  if (req->parent_run_id > 0)
    {
      parent = wf_store_load_run (c->store, req->parent_run_id, &error);
      if (parent == NULL || parent->code == NULL)
        {
          g_task_return_new_error (task, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_NOT_FOUND,
                                   _("Run %" PRId64 " does not exist or has no code to re-run."),
                                   req->parent_run_id);
          return;
        }
      c->run->parent_run_id = parent->id;
      c->run->mode = parent->mode;
      c->run->session_id = parent->session_id;
      g_free (c->run->question);
      c->run->question = g_strdup (parent->question);
    }

  if (!stage_validate (c))
    goto persist;

  if (parent != NULL)
    {
      /* Same code, same hash: the parent's verdict stands, no model call. */
      c->run->code = g_strdup (parent->code);
      c->run->code_hash = wf_sha256_hex (parent->code);
      c->run->language = g_strdup (parent->language ? parent->language : "python");
      c->run->explanation = g_strdup (parent->explanation);
      c->run->verdict_json = g_strdup (parent->verdict_json);
      c->run->provider = g_strdup (parent->provider);
      c->run->model = g_strdup (parent->model);
      c->run->overrides_json = overrides_to_json (req->overrides);
      c->sandbox = dup_sandbox (c->self, &error);
      if (c->sandbox == NULL)
        {
          set_outcome (c, WF_OUTCOME_SANDBOX_ERROR, error->message);
          goto persist;
        }
      stage_execute (c, NULL, NULL);
      goto persist;
    }

  if (req->mode == WF_MODE_ASK)
    {
      provider = dup_provider (c->self, req->provider);
      if (provider == NULL || !wf_llm_provider_is_configured (provider))
        {
          g_autofree char *msg = g_strdup_printf (
            _("The provider “%s” is not set up. Add its key with `whatif-cli keys set %s` or set the local "
              "server’s base URL in Preferences; the offline provider needs nothing."),
            req->provider ? req->provider : "offline", req->provider ? req->provider : "openrouter");
          set_outcome (c, WF_OUTCOME_NEEDS_PROVIDER, msg);
          goto persist;
        }
      if (!stage_classify (c, provider, &use_template))
        goto persist;
      if (check_cancelled (c))
        goto persist;
      messages = stage_session (c, use_template);
      if (!stage_budget (c, provider, messages))
        goto persist;
      if (!stage_generate (c, provider, use_template, messages))
        goto persist;
    }
  else
    {
      c->run->code = g_strdup (req->code);
      c->run->code_hash = wf_sha256_hex (req->code);
      c->run->language = g_strdup (req->mode == WF_MODE_SQL ? "sql" : "python");
      c->run->provider = NULL;
    }

  if (check_cancelled (c))
    goto persist;
  c->sandbox = dup_sandbox (c->self, &error);
  if (c->sandbox == NULL)
    {
      set_outcome (c, WF_OUTCOME_SANDBOX_ERROR, error->message);
      goto persist;
    }
  if (!checks_in_job (c) && !verdict_allows (c))
    goto persist;
  if (check_cancelled (c))
    goto persist;
  stage_execute (c, use_template ? NULL : provider, messages);

persist:
  /* The trace is queued once the run is stored, with every stage in it. */
  stage_begin (c, "telemetry");
  stage_end (c, telemetry_enabled (c->self) ? "export" : "off");
  stage_settle (c);
  if (c->run->outcome != WF_OUTCOME_ANSWERED && c->run->answer == NULL)
    c->run->answer = g_strdup (c->run->message);
  c->run->finished_us = g_get_real_time ();
  if (c->reservation != NULL && c->settlement == NULL)
    wf_budget_release (c->budget, c->reservation, NULL);

  /* Persist: never cancellable, one transaction for the run and its spend.
   * The stored row of this stage cannot hold its own duration, so the time is
   * filled in afterwards on the returned run and in the progress event. */
  {
    WfCostSpan *persist;
    gint64 t0 = g_get_monotonic_time ();

    post (c, SIGNAL_STAGE_STARTED, "persist", 0, NULL);
    persist = wf_cost_span_new ("persist");
    persist->start_us = g_get_real_time ();
    g_ptr_array_add (c->run->spans, persist);
    if (!wf_store_save_run (c->store, c->run, c->settlement, &error))
      {
        post (c, SIGNAL_STAGE_FINISHED, "persist", (g_get_monotonic_time () - t0) / 1000, "error");
        g_task_return_new_error (task, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_STORE,
                                 _("The run could not be saved: %s"), error->message);
        return;
      }
    persist->duration_us = g_get_monotonic_time () - t0;
    post (c, SIGNAL_STAGE_FINISHED, "persist", persist->duration_us / 1000, "ok");
  }
  stage_begin (c, "reply");
  stage_end (c, "ok");
  telemetry_enqueue (c);
  g_task_return_pointer (task, g_steal_pointer (&c->run), (GDestroyNotify) wf_run_free);
}

static void
run_thread (GTask        *task,
            gpointer      source,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Ctx *c = task_data;

  run_stages (task, source, task_data, cancellable);
  if (c->exporter != NULL)
    {
      /* After the result is on its way: the caller does not wait for the
       * collector (a sync caller does). What cannot be sent stays queued. */
      WfTelemetryFlushReport report = { 0 };
      g_autoptr(GError) error = NULL;

      if (!wf_telemetry_exporter_flush (c->exporter, NULL, &report, &error))
        g_debug ("telemetry not sent: %s", error->message);
      else
        g_debug ("telemetry: %u sent, %u deferred, %" G_GINT64_FORMAT " queued",
                 report.sent, report.deferred, report.remaining);
    }
  /* The connection goes back to the pool now, not when the caller drops the
   * task: the next run may already be waiting for one. */
  g_clear_object (&c->exporter);
  g_clear_object (&c->budget);
  give_back_store (c->self, g_steal_pointer (&c->store));
}

static GTask *
make_task (WfPipeline          *self,
           WfRunRequest        *req,
           GMainContext        *context,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  GTask *task;
  Ctx *c = g_new0 (Ctx, 1);

  c->self = g_object_ref (self);
  c->context = context ? g_main_context_ref (context) : NULL;
  /* Read once, on the caller's thread: a change applies from the next run. */
  g_mutex_lock (&self->lock);
  memcpy (c->currency, self->currency, sizeof c->currency);
  g_mutex_unlock (&self->lock);
  c->req = req;
  c->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wf_pipeline_run_async);
  /* The run always ends with an outcome the store keeps, even if cancelled. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, c, (GDestroyNotify) ctx_free);
  return task;
}

void
wf_pipeline_run_async (WfPipeline          *self,
                       WfRunRequest        *req,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GMainContext) context = NULL;

  g_return_if_fail (WF_IS_PIPELINE (self));
  g_return_if_fail (req != NULL);
  context = g_main_context_ref_thread_default ();
  task = make_task (self, req, context, cancellable, callback, user_data);
  g_task_run_in_thread (task, run_thread);
}

WfRun *
wf_pipeline_run_finish (WfPipeline    *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

WfRun *
wf_pipeline_run_sync (WfPipeline    *self,
                      WfRunRequest  *req,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (WF_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (req != NULL, NULL);
  task = make_task (self, req, NULL, cancellable, NULL, NULL);
  g_task_run_in_thread_sync (task, run_thread);
  return g_task_propagate_pointer (task, error);
}

/* ---- sweep ---- */

static guint
axis_points (const WfSweepAxis *a)
{
  double n;

  if (!isfinite (a->from) || !isfinite (a->to) || !isfinite (a->step) || a->step <= 0 || a->to < a->from)
    return 0;
  n = floor ((a->to - a->from) / a->step + 1e-9) + 1;
  return n > WF_PIPELINE_MAX_SWEEP_POINTS ? WF_PIPELINE_MAX_SWEEP_POINTS + 1 : (guint) n;
}

static double
axis_value (const WfSweepAxis *axis,
            guint              i)
{
  return axis->from + i * axis->step;
}

/* The whole sweep as one sandbox job: the checked code runs once per point in
 * one process, so the fork and its copy-on-write faults are paid once and not
 * per point. NULL with no error when the backend cannot run sweep jobs. */
static WfTable *
sweep_in_one_job (WfSandbox          *sandbox,
                  const WfJob        *data,
                  const WfRun        *run,
                  const WfSweepAxis  *axes,
                  guint               n_axes,
                  guint               n0,
                  guint               n1,
                  const char * const *metrics,
                  GCancellable       *cancellable,
                  GError            **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) spec = NULL;
  g_autoptr(WfJob) job = NULL;
  g_autoptr(WfRunResult) r = NULL;
  g_autoptr(GError) local_error = NULL;
  guint i, j, k, n_columns = n_axes;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "labels");
  json_builder_begin_array (b);
  for (i = 0; i < n_axes; i++)
    json_builder_add_string_value (b, axes[i].label);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "metrics");
  json_builder_begin_array (b);
  for (k = 0; metrics[k] != NULL; k++, n_columns++)
    json_builder_add_string_value (b, metrics[k]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "points");
  json_builder_begin_array (b);
  for (i = 0; i < n0; i++)
    for (j = 0; j < n1; j++)
      {
        json_builder_begin_array (b);
        wf_json_add_double (b, axis_value (&axes[0], i));
        if (n_axes == 2)
          wf_json_add_double (b, axis_value (&axes[1], j));
        json_builder_end_array (b);
      }
  json_builder_end_array (b);
  json_builder_end_object (b);
  spec = json_builder_get_root (b);

  job = wf_job_new (WF_JOB_SWEEP, "python", run->code);
  job->policy = TRUE;
  job->sweep_json = json_to_string (spec, FALSE);
  copy_workbook (job, data);
  /* One job does the work of n: its time limits grow with the points. */
  job->limits.wall_ms += (gint64) n0 * n1 * 250;
  job->limits.cpu_ms += (gint64) n0 * n1 * 200;

  r = wf_sandbox_run (sandbox, job, NULL, NULL, cancellable, &local_error);
  if (r == NULL)
    {
      if (g_error_matches (local_error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_INVALID))
        return NULL;   /* a backend without sweep jobs (E2B): one job per point */
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (r->status == WF_RUN_STATUS_REFUSED)
    return NULL;
  if (r->status == WF_RUN_STATUS_OK)
    for (i = 0; i < r->tables->len; i++)
      {
        WfTable *t = g_ptr_array_index (r->tables, i);

        if (g_strcmp0 (t->name, "sweep") == 0 && t->columns->len == n_columns &&
            json_array_get_length (t->rows) == n0 * n1)
          return g_ptr_array_steal_index (r->tables, i);
      }
  g_set_error (error, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_INVALID,
               _("The sweep could not run: %s"),
               r->error_message ? r->error_message : wf_run_status_to_string (r->status));
  return NULL;
}

WfTable *
wf_pipeline_sweep (WfPipeline         *self,
                   gint64              run_id,
                   const WfSweepAxis  *axes,
                   guint               n_axes,
                   const char * const *metrics,
                   GCancellable       *cancellable,
                   GError            **error)
{
  g_autoptr(WfStore) store = NULL;
  g_autoptr(WfRun) run = NULL;
  g_autoptr(WfSandbox) sandbox = NULL;
  g_autoptr(WfTable) table = NULL;
  g_autoptr(WfJob) data = NULL;
  g_autoptr(GError) local_error = NULL;
  guint n0, n1, i, j, k;

  g_return_val_if_fail (WF_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (n_axes == 1 || n_axes == 2, NULL);
  g_return_val_if_fail (metrics != NULL && metrics[0] != NULL, NULL);

  n0 = axis_points (&axes[0]);
  n1 = n_axes == 2 ? axis_points (&axes[1]) : 1;
  if (n0 == 0 || n1 == 0)
    {
      g_set_error (error, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_INVALID,
                   _("A range must go from a number up to a larger one in positive steps."));
      return NULL;
    }
  if ((guint64) n0 * n1 > WF_PIPELINE_MAX_SWEEP_POINTS)
    {
      g_set_error (error, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_INVALID,
                   _("A sweep has at most %d points; this one has %u."),
                   WF_PIPELINE_MAX_SWEEP_POINTS, n0 * n1);
      return NULL;
    }
  store = take_store (self, error);
  if (store == NULL)
    return NULL;
  run = wf_store_load_run (store, run_id, error);
  /* What the points may read (wf.load, SQL), taken while the store is ours. */
  if (run != NULL && run->code != NULL)
    {
      data = wf_job_new (WF_JOB_RUN, run->language ? run->language : "python", run->code);
      add_workbook (data, store);
    }
  give_back_store (self, g_steal_pointer (&store));
  if (run == NULL)
    return NULL;
  if (run->code == NULL)
    {
      g_set_error (error, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_NOT_FOUND,
                   _("Run %" PRId64 " has no code to sweep."), run_id);
      return NULL;
    }
  if (g_strcmp0 (run->language, "python") == 0)
    {
      /* Only code the firewall already let through, unchanged since. */
      g_autoptr(WfVerdict) verdict = run->verdict_json ? wf_verdict_from_json (run->verdict_json, -1, NULL) : NULL;
      g_autofree char *hash = wf_sha256_hex (run->code);

      if (verdict == NULL || !wf_verdict_is_allowed (verdict) || g_strcmp0 (hash, run->code_hash) != 0)
        {
          g_set_error (error, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_INVALID,
                       _("Run %" PRId64 " was not allowed by the firewall, so it cannot be swept."), run_id);
          return NULL;
        }
    }
  sandbox = dup_sandbox (self, error);
  if (sandbox == NULL)
    return NULL;

  if (g_strcmp0 (run->language, "python") == 0)
    {
      table = sweep_in_one_job (sandbox, data, run, axes, n_axes, n0, n1, metrics, cancellable, &local_error);
      if (table != NULL)
        return g_steal_pointer (&table);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  table = wf_table_new ("sweep");
  for (i = 0; i < n_axes; i++)
    g_ptr_array_add (table->columns, g_strdup (axes[i].label));
  for (k = 0; metrics[k] != NULL; k++)
    g_ptr_array_add (table->columns, g_strdup (metrics[k]));

  for (i = 0; i < n0; i++)
    for (j = 0; j < n1; j++)
      {
        g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, run->language ? run->language : "python", run->code);
        g_autoptr(WfRunResult) r = NULL;
        JsonArray *row = json_array_new ();
        double v0 = axis_value (&axes[0], i);
        double v1 = n_axes == 2 ? axis_value (&axes[1], j) : 0;

        copy_workbook (job, data);
        wf_job_set_override (job, axes[0].label, v0);
        json_array_add_double_element (row, v0);
        if (n_axes == 2)
          {
            wf_job_set_override (job, axes[1].label, v1);
            json_array_add_double_element (row, v1);
          }
        r = wf_sandbox_run (sandbox, job, NULL, NULL, cancellable, error);
        if (r == NULL)
          {
            json_array_unref (row);
            return NULL;
          }
        for (k = 0; metrics[k] != NULL; k++)
          {
            const WfMetric *found = NULL;
            guint m;

            for (m = 0; r->status == WF_RUN_STATUS_OK && m < r->metrics->len; m++)
              if (g_strcmp0 (((WfMetric *) g_ptr_array_index (r->metrics, m))->name, metrics[k]) == 0)
                found = g_ptr_array_index (r->metrics, m);
            if (found != NULL && isfinite (found->value))
              json_array_add_double_element (row, found->value);
            else
              json_array_add_null_element (row);
          }
        json_array_add_array_element (table->rows, row);
      }
  return g_steal_pointer (&table);
}

/* ---- JSON ---- */

JsonNode *
wf_pipeline_run_to_json (const WfRun *run)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const WfRunResult *r = run->result;
  gint64 llm = 0, sandbox = 0, in = 0, out = 0;
  guint i;

  for (i = 0; i < run->spans->len; i++)
    {
      const WfCostSpan *s = g_ptr_array_index (run->spans, i);

      llm += s->llm_micros;
      sandbox += s->sandbox_micros;
      in += s->input_tokens;
      out += s->output_tokens;
    }

#define STR(name, value) G_STMT_START {                         \
    json_builder_set_member_name (b, name);                     \
    if ((value) != NULL)                                         \
      json_builder_add_string_value (b, value);                  \
    else                                                         \
      json_builder_add_null_value (b);                           \
  } G_STMT_END

  json_builder_begin_object (b);
  STR ("outcome", wf_outcome_to_string (run->outcome));
  STR ("message", run->message);
  STR ("answer", run->answer);
  json_builder_set_member_name (b, "session_id");
  json_builder_add_int_value (b, run->session_id);
  json_builder_set_member_name (b, "run_id");
  json_builder_add_int_value (b, run->id);
  json_builder_set_member_name (b, "parent_run_id");
  if (run->parent_run_id > 0)
    json_builder_add_int_value (b, run->parent_run_id);
  else
    json_builder_add_null_value (b);
  STR ("code", run->code);
  STR ("language", run->language);
  STR ("explanation", run->explanation);
  STR ("provider", run->provider);
  STR ("model", run->model);

  json_builder_set_member_name (b, "metrics");
  json_builder_begin_array (b);
  for (i = 0; r != NULL && i < r->metrics->len; i++)
    wf_metric_to_json (g_ptr_array_index (r->metrics, i), b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "params");
  json_builder_begin_array (b);
  for (i = 0; r != NULL && i < r->params->len; i++)
    wf_param_to_json (g_ptr_array_index (r->params, i), b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "tables");
  json_builder_begin_array (b);
  for (i = 0; r != NULL && i < r->tables->len; i++)
    wf_table_to_json (g_ptr_array_index (r->tables, i), b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "charts");
  json_builder_begin_array (b);
  for (i = 0; r != NULL && i < r->charts->len; i++)
    wf_chart_to_json (g_ptr_array_index (r->charts, i), b);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "clarification");
  {
    g_autoptr(JsonNode) cl = run->clarification_json ? json_from_string (run->clarification_json, NULL) : NULL;

    if (cl != NULL)
      json_builder_add_value (b, g_steal_pointer (&cl));
    else
      json_builder_add_null_value (b);
  }

  json_builder_set_member_name (b, "cost");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "llm_usd");
  json_builder_add_double_value (b, wf_micros_to_usd (llm));
  json_builder_set_member_name (b, "sandbox_usd");
  json_builder_add_double_value (b, wf_micros_to_usd (sandbox));
  json_builder_set_member_name (b, "total_usd");
  json_builder_add_double_value (b, wf_micros_to_usd (MAX (run->total_micros, llm + sandbox)));
  json_builder_set_member_name (b, "input_tokens");
  json_builder_add_int_value (b, in);
  json_builder_set_member_name (b, "output_tokens");
  json_builder_add_int_value (b, out);
  json_builder_set_member_name (b, "estimated");
  json_builder_add_boolean_value (b, run->cost_estimated);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "stages");
  json_builder_begin_array (b);
  for (i = 0; i < run->spans->len; i++)
    {
      const WfCostSpan *s = g_ptr_array_index (run->spans, i);

      json_builder_begin_object (b);
      STR ("name", s->stage);
      json_builder_set_member_name (b, "ms");
      json_builder_add_double_value (b, s->duration_us / 1000.0);
      STR ("status", s->outcome);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "fixes");
  json_builder_begin_array (b);
  for (i = 0; i < run->fixes->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (run->fixes, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
#undef STR
  return json_builder_get_root (b);
}
