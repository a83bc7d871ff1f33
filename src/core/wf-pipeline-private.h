/* wf-pipeline-private.h: what the files of the pipeline share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not installed, not for the app or the CLI: the state of one run and the
 * stages wf-pipeline.c calls in order. Each stage times itself into a span
 * (wf_pipeline_stage_begin/end) and, when the turn ends there, sets the
 * run's outcome and returns FALSE.
 */
#pragma once

#include "wf-pipeline.h"
#include "wf-budget.h"
#include "wf-query-router.h"
#include "wf-repair.h"
#include "wf-store.h"
#include "wf-telemetry.h"

G_BEGIN_DECLS

#define MAX_QUESTION_BYTES WF_QUERY_MAX_LENGTH
#define MAX_CODE_BYTES WF_REPAIR_DEFAULT_MAX_CODE_SIZE
#define MAX_OUTPUT_TOKENS 2000
#define MAX_OVERRIDES 200

enum
{
  SIGNAL_STAGE_STARTED,
  SIGNAL_STAGE_FINISHED,
  SIGNAL_CODE_DELTA,
  N_SIGNALS
};

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

/* ---- the object (wf-pipeline.c) ---- */

WfModelInfo *wf_pipeline_lookup_model    (WfPipeline  *self,
                                          WfStore     *store,
                                          const char  *model_id);
WfSandbox   *wf_pipeline_dup_sandbox     (WfPipeline  *self,
                                          GError     **error);
WfStore     *wf_pipeline_take_store      (WfPipeline  *self,
                                          GError     **error);
void         wf_pipeline_give_back_store (WfPipeline  *self,
                                          WfStore     *store);

/* ---- progress and outcome of a run (wf-pipeline.c) ---- */

void     wf_pipeline_post            (Ctx        *c,
                                      guint       signal,
                                      const char *name,
                                      gint64      ms,
                                      const char *status);
void     wf_pipeline_stage_begin     (Ctx        *c,
                                      const char *name);
void     wf_pipeline_stage_end       (Ctx        *c,
                                      const char *status);
void     wf_pipeline_set_outcome     (Ctx        *c,
                                      WfOutcome   outcome,
                                      const char *message);
gboolean wf_pipeline_check_cancelled (Ctx        *c);

/* ---- validate and firewall (wf-pipeline-checks.c) ---- */

gboolean wf_pipeline_stage_validate     (Ctx               *c);
gboolean wf_pipeline_policy_installed   (void);
gboolean wf_pipeline_checks_in_job      (Ctx               *c);
gboolean wf_pipeline_verdict_allows     (Ctx               *c);
gboolean wf_pipeline_job_verdict_allows (Ctx               *c,
                                         const WfRunResult *r,
                                         gint64             exec_us);

/* ---- classify, session, generate and repair (wf-pipeline-ask.c) ---- */

gboolean   wf_pipeline_stage_classify (Ctx            *c,
                                       WfLlmProvider  *provider,
                                       gboolean       *out_use_template);
GPtrArray *wf_pipeline_stage_session  (Ctx            *c,
                                       gboolean        use_template);
gboolean   wf_pipeline_stage_generate (Ctx            *c,
                                       WfLlmProvider  *provider,
                                       gboolean        use_template,
                                       GPtrArray      *messages);
char      *wf_pipeline_call_model     (Ctx            *c,
                                       WfLlmProvider  *provider,
                                       GPtrArray      *messages,
                                       GError        **error);
gboolean   wf_pipeline_apply_repair   (Ctx            *c,
                                       const char     *raw,
                                       GError        **error);

/* ---- budget and settle (wf-pipeline-cost.c) ---- */

gboolean wf_pipeline_stage_budget (Ctx           *c,
                                   WfLlmProvider *provider,
                                   GPtrArray     *messages);
void     wf_pipeline_stage_settle (Ctx           *c);

/* ---- sandbox jobs and execute (wf-pipeline-jobs.c) ---- */

char *wf_pipeline_overrides_to_json (GHashTable    *overrides);
void  wf_pipeline_stage_execute     (Ctx           *c,
                                     WfLlmProvider *provider,
                                     GPtrArray     *messages);

/* ---- the answer line (wf-pipeline-answer.c) ---- */

void wf_pipeline_build_answer (Ctx *c);

G_END_DECLS
