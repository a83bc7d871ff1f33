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
 *
 * The stages themselves are in wf-pipeline-checks.c, wf-pipeline-ask.c,
 * wf-pipeline-cost.c, wf-pipeline-jobs.c and wf-pipeline-answer.c; only
 * run_stages() here calls them, and in what order.
 */
#define G_LOG_DOMAIN "wf-pipeline"

#include "config.h"

#include <inttypes.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "wf-pipeline.h"
#include "wf-pipeline-private.h"
#include "wf-currency.h"
#include "wf-store.h"
#include "wf-telemetry.h"
#include "providers/wf-provider-offline.h"

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
WfModelInfo *
wf_pipeline_lookup_model (WfPipeline *self,
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

WfSandbox *
wf_pipeline_dup_sandbox (WfPipeline  *self,
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
WfStore *
wf_pipeline_take_store (WfPipeline  *self,
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

void
wf_pipeline_give_back_store (WfPipeline *self,
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

static void
ctx_free (Ctx *c)
{
  /* The budget and the exporter hold the connection too: they go first. */
  g_clear_object (&c->budget);
  g_clear_object (&c->exporter);
  if (c->self != NULL && c->store != NULL)
    wf_pipeline_give_back_store (c->self, g_steal_pointer (&c->store));
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

void
wf_pipeline_post (Ctx        *c,
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

void
wf_pipeline_stage_begin (Ctx        *c,
                         const char *name)
{
  g_clear_pointer (&c->span, wf_cost_span_free);
  c->span = wf_cost_span_new (name);
  c->span->start_us = g_get_real_time ();
  c->span->duration_us = g_get_monotonic_time ();   /* start; replaced at the end */
  wf_pipeline_post (c, SIGNAL_STAGE_STARTED, name, 0, NULL);
}

void
wf_pipeline_stage_end (Ctx        *c,
                       const char *status)
{
  WfCostSpan *span = g_steal_pointer (&c->span);

  if (span == NULL)
    return;
  span->duration_us = g_get_monotonic_time () - span->duration_us;
  g_free (span->outcome);
  span->outcome = g_strdup (status);
  wf_pipeline_post (c, SIGNAL_STAGE_FINISHED, span->stage, span->duration_us / 1000, status);
  g_ptr_array_add (c->run->spans, span);
}

void
wf_pipeline_set_outcome (Ctx        *c,
                         WfOutcome   outcome,
                         const char *message)
{
  c->run->outcome = outcome;
  g_free (c->run->message);
  c->run->message = g_strdup (message);
}

gboolean
wf_pipeline_check_cancelled (Ctx *c)
{
  if (!g_cancellable_is_cancelled (c->cancellable))
    return FALSE;
  if (c->span != NULL)
    wf_pipeline_stage_end (c, "cancelled");
  wf_pipeline_set_outcome (c, WF_OUTCOME_CANCELLED, _("The run was cancelled. Nothing was changed."));
  return TRUE;
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
  c->store = wf_pipeline_take_store (c->self, &error);
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

  if (!wf_pipeline_stage_validate (c))
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
      c->run->overrides_json = wf_pipeline_overrides_to_json (req->overrides);
      c->sandbox = wf_pipeline_dup_sandbox (c->self, &error);
      if (c->sandbox == NULL)
        {
          wf_pipeline_set_outcome (c, WF_OUTCOME_SANDBOX_ERROR, error->message);
          goto persist;
        }
      wf_pipeline_stage_execute (c, NULL, NULL);
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
          wf_pipeline_set_outcome (c, WF_OUTCOME_NEEDS_PROVIDER, msg);
          goto persist;
        }
      if (!wf_pipeline_stage_classify (c, provider, &use_template))
        goto persist;
      if (wf_pipeline_check_cancelled (c))
        goto persist;
      messages = wf_pipeline_stage_session (c, use_template);
      if (!wf_pipeline_stage_budget (c, provider, messages))
        goto persist;
      if (!wf_pipeline_stage_generate (c, provider, use_template, messages))
        goto persist;
    }
  else
    {
      c->run->code = g_strdup (req->code);
      c->run->code_hash = wf_sha256_hex (req->code);
      c->run->language = g_strdup (req->mode == WF_MODE_SQL ? "sql" : "python");
      c->run->provider = NULL;
    }

  if (wf_pipeline_check_cancelled (c))
    goto persist;
  c->sandbox = wf_pipeline_dup_sandbox (c->self, &error);
  if (c->sandbox == NULL)
    {
      wf_pipeline_set_outcome (c, WF_OUTCOME_SANDBOX_ERROR, error->message);
      goto persist;
    }
  if (!wf_pipeline_checks_in_job (c) && !wf_pipeline_verdict_allows (c))
    goto persist;
  if (wf_pipeline_check_cancelled (c))
    goto persist;
  wf_pipeline_stage_execute (c, use_template ? NULL : provider, messages);

persist:
  /* The trace is queued once the run is stored, with every stage in it. */
  wf_pipeline_stage_begin (c, "telemetry");
  wf_pipeline_stage_end (c, telemetry_enabled (c->self) ? "export" : "off");
  wf_pipeline_stage_settle (c);
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

    wf_pipeline_post (c, SIGNAL_STAGE_STARTED, "persist", 0, NULL);
    persist = wf_cost_span_new ("persist");
    persist->start_us = g_get_real_time ();
    g_ptr_array_add (c->run->spans, persist);
    if (!wf_store_save_run (c->store, c->run, c->settlement, &error))
      {
        wf_pipeline_post (c, SIGNAL_STAGE_FINISHED, "persist", (g_get_monotonic_time () - t0) / 1000, "error");
        g_task_return_new_error (task, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_STORE,
                                 _("The run could not be saved: %s"), error->message);
        return;
      }
    persist->duration_us = g_get_monotonic_time () - t0;
    wf_pipeline_post (c, SIGNAL_STAGE_FINISHED, "persist", persist->duration_us / 1000, "ok");
  }
  wf_pipeline_stage_begin (c, "reply");
  wf_pipeline_stage_end (c, "ok");
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
  wf_pipeline_give_back_store (c->self, g_steal_pointer (&c->store));
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
