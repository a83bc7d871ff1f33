/* wf-pipeline.h: the one place that knows the order of the stages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * validate → classify → session → budget → generate → repair → firewall →
 * execute → telemetry → settle → persist → reply (DESIGN §1). Every run ends
 * with an outcome and is persisted with its spend in one transaction.
 */
#pragma once

#include <gio/gio.h>

#include "wf-llm-provider.h"
#include "wf-model-router.h"
#include "wf-sandbox.h"
#include "wf-types.h"

G_BEGIN_DECLS

#define WF_PIPELINE_ERROR (wf_pipeline_error_quark ())
GQuark wf_pipeline_error_quark (void);

typedef enum
{
  WF_PIPELINE_ERROR_INVALID,      /* a request that cannot be run (empty, too long, bad overrides) */
  WF_PIPELINE_ERROR_STORE,        /* the database could not be opened or written */
  WF_PIPELINE_ERROR_NOT_FOUND,    /* re-run or sweep of a run that does not exist */
} WfPipelineError;

#define WF_PIPELINE_MAX_SWEEP_POINTS 400

typedef struct
{
  WfMode      mode;
  char       *text;            /* the question (ask) or a file name (python, sql) */
  char       *code;            /* python / sql mode: the code to run */
  gint64      session_id;      /* 0: a new session */
  char       *provider;        /* nullable: offline */
  char       *model;           /* nullable */
  gint64      parent_run_id;   /* > 0: re-run that run's code with overrides, no model call */
  GHashTable *overrides;       /* (element-type utf8 double*) wf.param label → value */
} WfRunRequest;

WfRunRequest *wf_run_request_new          (WfMode        mode,
                                           const char   *text);
void          wf_run_request_set_override (WfRunRequest *req,
                                           const char   *label,
                                           double        value);
void          wf_run_request_free         (WfRunRequest *req);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfRunRequest, wf_run_request_free)

#define WF_TYPE_PIPELINE (wf_pipeline_get_type ())
G_DECLARE_FINAL_TYPE (WfPipeline, wf_pipeline, WF, PIPELINE, GObject)

/* db_path: the store each run opens on its worker thread. sandbox: nullable,
 * the default backend is looked up on first use. */
WfPipeline *wf_pipeline_new          (const char           *db_path,
                                      WfSandbox            *sandbox);
/* Registers a provider under its name (offline is always there). */
void        wf_pipeline_add_provider (WfPipeline           *self,
                                      WfLlmProvider        *provider);

/* Export of every run's trace (OTLP/HTTP with JSON: one trace per run, a
 * span per stage) through the store's outbox, flushed after each run on its
 * worker thread. endpoint NULL turns it off, the default: then nothing is
 * queued or sent. headers: nullable, "name=value,…" as OTEL_EXPORTER_OTLP_HEADERS
 * (for Langfuse, "Authorization=Basic …"); kept in memory only. */
gboolean    wf_pipeline_set_telemetry (WfPipeline           *self,
                                      const char           *endpoint,
                                      const char           *headers,
                                      GError              **error);

/* The model catalogue whose prices the budget estimate and the settlement
 * use (nullable: the pipeline's own, built-in defaults plus the store's
 * cached list, read once). */
void        wf_pipeline_set_model_router (WfPipeline        *self,
                                          WfModelRouter     *router);

/* The currency of questions that name none, as an ISO 4217 code of three
 * capital letters (anything else is ignored with a warning); NULL: the one
 * of the locale, the default. Offline templates report money in it and
 * remote models are told it. A run uses the one set when it started. */
void        wf_pipeline_set_currency (WfPipeline           *self,
                                      const char           *code);

/* Signals: "stage-started" (name), "stage-finished" (name, ms, status),
 * "code-delta" (text), all on the thread-default main context of the caller. */
void        wf_pipeline_run_async    (WfPipeline           *self,
                                      WfRunRequest         *req,       /* (transfer full) */
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
/* Returns the persisted run, whatever its outcome; NULL only when the store failed. */
WfRun      *wf_pipeline_run_finish   (WfPipeline           *self,
                                      GAsyncResult         *result,
                                      GError              **error);
WfRun      *wf_pipeline_run_sync     (WfPipeline           *self,
                                      WfRunRequest         *req,       /* (transfer full) */
                                      GCancellable         *cancellable,
                                      GError              **error);

typedef struct
{
  char   *label;
  double  from;
  double  to;
  double  step;
} WfSweepAxis;

/* Runs RUN_ID's code once per point of the grid (one or two axes, at most
 * WF_PIPELINE_MAX_SWEEP_POINTS points) and tabulates the chosen metrics.
 * axes: (element-type WfSweepAxis*) metrics: (element-type utf8). Blocking. */
WfTable    *wf_pipeline_sweep        (WfPipeline           *self,
                                      gint64                run_id,
                                      const WfSweepAxis    *axes,
                                      guint                 n_axes,
                                      const char * const   *metrics,
                                      GCancellable         *cancellable,
                                      GError              **error);

/* The JSON document of `whatif-cli ask --json` for a finished run. */
JsonNode   *wf_pipeline_run_to_json  (const WfRun          *run);

G_END_DECLS
