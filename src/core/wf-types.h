/* wf-types.h: the plain structs shared by every stage of What If
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every stage of the pipeline is a function over these structs. They are plain
 * C structs (not GObjects) so that a worker thread can fill them and hand them to
 * the main thread, the store and the CLI without any locking. Each has a _new, a
 * _free and, where something needs one, a _copy; all of them own their strings.
 *
 * Money is always integer micro-dollars (gint64 "micros"): never a float, so a
 * ledger of thousands of entries adds up exactly and can never become NaN.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define WF_MICROS_PER_USD G_GINT64_CONSTANT (1000000)

typedef enum
{
  WF_MODE_ASK,
  WF_MODE_PYTHON,
  WF_MODE_SQL,
} WfMode;

const char *wf_mode_to_string   (WfMode      mode);
gboolean    wf_mode_from_string (const char *str,
                                 WfMode     *out_mode);

/* The one user-facing result of a turn (DESIGN §1). */
typedef enum
{
  WF_OUTCOME_ANSWERED,
  WF_OUTCOME_NEEDS_CLARIFICATION,
  WF_OUTCOME_REFUSED,
  WF_OUTCOME_BLOCKED,
  WF_OUTCOME_OVER_BUDGET,
  WF_OUTCOME_PROVIDER_ERROR,
  WF_OUTCOME_SANDBOX_ERROR,
  WF_OUTCOME_TIMEOUT,
  WF_OUTCOME_CANCELLED,
  WF_OUTCOME_NEEDS_PROVIDER,
  WF_OUTCOME_FAILED,          /* the program ran and raised, or produced nothing */
} WfOutcome;

const char *wf_outcome_to_string   (WfOutcome   outcome);
gboolean    wf_outcome_from_string (const char *str,
                                    WfOutcome  *out_outcome);

/* What the sandbox says about one job. */
typedef enum
{
  WF_RUN_STATUS_OK,
  WF_RUN_STATUS_ERROR,        /* the program raised or exited non-zero */
  WF_RUN_STATUS_TIMEOUT,      /* wall or CPU limit */
  WF_RUN_STATUS_KILLED,       /* memory limit, signal, or cancelled */
  WF_RUN_STATUS_REFUSED,      /* no sandbox could run it */
  WF_RUN_STATUS_BLOCKED,      /* the policy (static or audit hook) stopped it */
} WfRunStatus;

const char *wf_run_status_to_string   (WfRunStatus  status);
gboolean    wf_run_status_from_string (const char  *str,
                                       WfRunStatus *out_status);

/* A result table. Cells are JSON scalars (number, string, bool or null): rows
 * is a JsonArray of JsonArrays, each as long as columns. */
typedef struct
{
  char      *name;
  GPtrArray *columns;     /* (element-type utf8) */
  JsonArray *rows;        /* (element-type JsonArray) */
} WfTable;

WfTable *wf_table_new  (const char *name);
WfTable *wf_table_copy (const WfTable *table);
void     wf_table_free (WfTable *table);
guint    wf_table_get_n_rows (const WfTable *table);

typedef struct
{
  char   *name;
  double  value;          /* NAN when the program reported a non-finite value */
  char   *unit;           /* nullable: "USD", "%", "ratio", "months", … */
} WfMetric;

WfMetric *wf_metric_new  (const char *name,
                          double      value,
                          const char *unit);
WfMetric *wf_metric_copy (const WfMetric *metric);
void      wf_metric_free (WfMetric *metric);

/* An assumption declared by wf.param(). Absent bounds are NAN. */
typedef struct
{
  char   *label;
  char   *kind;           /* money | percent | number | count | months | years */
  double  value;
  double  min;
  double  max;
  double  step;
} WfParam;

WfParam *wf_param_new  (const char *label,
                        const char *kind,
                        double      value);
WfParam *wf_param_copy (const WfParam *param);
void     wf_param_free (WfParam *param);

typedef struct
{
  char   *name;
  GArray *values;         /* (element-type double), NAN for gaps */
} WfSeries;

typedef struct
{
  char      *kind;        /* line | bar | area */
  char      *title;
  GPtrArray *x;           /* (element-type utf8) labels of the x axis */
  GPtrArray *series;      /* (element-type WfSeries) */
} WfChart;

WfSeries *wf_series_new  (const char *name);
void      wf_series_free (WfSeries *series);
WfChart  *wf_chart_new   (const char *kind,
                          const char *title);
WfChart  *wf_chart_copy  (const WfChart *chart);
void      wf_chart_free  (WfChart *chart);

/* Everything one sandbox job produced. */
typedef struct
{
  WfRunStatus  status;
  int          exit_code;
  char        *stdout_text;
  char        *stderr_text;
  char        *error_message;     /* nullable: exception summary, blocked event, refusal */
  char        *backend;           /* bwrap | flatpak | e2b */
  GPtrArray   *tables;            /* (element-type WfTable) */
  GPtrArray   *metrics;           /* (element-type WfMetric) */
  GPtrArray   *params;            /* (element-type WfParam) */
  GPtrArray   *charts;            /* (element-type WfChart) */
  GPtrArray   *logs;              /* (element-type utf8) */
  GPtrArray   *limits_hit;        /* (element-type utf8): wall, cpu, memory, output, … */
  char        *verdict_json;      /* nullable: a check job's verdict as JSON */
  gint64       wall_ms;
  gint64       cpu_ms;
  gint64       peak_rss_kb;
  gboolean     stdout_truncated;
  gboolean     stderr_truncated;
  gboolean     tables_truncated;
} WfRunResult;

WfRunResult *wf_run_result_new  (void);
WfRunResult *wf_run_result_copy (const WfRunResult *result);
void         wf_run_result_free (WfRunResult *result);

/* One stage's cost (DESIGN §1 stage 9). */
typedef struct
{
  char     *stage;
  char     *provider;           /* nullable */
  char     *model;              /* nullable */
  gint64    input_tokens;
  gint64    output_tokens;
  gint64    llm_micros;
  double    sandbox_seconds;
  gint64    sandbox_micros;
  gint64    total_micros;
  gint64    start_us;           /* wall clock, g_get_real_time () */
  gint64    duration_us;
  char     *outcome;            /* ok | error | skipped | … */
  gboolean  estimated;          /* the provider reported no cost: the figure is our estimate */
} WfCostSpan;

WfCostSpan *wf_cost_span_new  (const char *stage);
WfCostSpan *wf_cost_span_copy (const WfCostSpan *span);
void        wf_cost_span_free (WfCostSpan *span);

typedef struct
{
  gint64  id;
  char   *title;
  gint64  created_us;
  gint64  updated_us;
  guint   n_runs;
  gint64  total_micros;
} WfSessionInfo;

WfSessionInfo *wf_session_info_new  (void);
void           wf_session_info_free (WfSessionInfo *info);

typedef struct
{
  gint64  id;
  gint64  session_id;
  char   *role;         /* user | assistant | system */
  char   *content;
  gint64  run_id;       /* 0 when the message has no run */
  gint64  created_us;
} WfMessage;

WfMessage *wf_message_new  (const char *role,
                            const char *content);
void       wf_message_free (WfMessage *message);

/* One turn as the store keeps it: the question, what answered it, and the
 * sandbox result. `result` may be NULL when nothing ran (refused, clarify…). */
typedef struct
{
  gint64        id;
  gint64        session_id;
  gint64        parent_run_id;      /* 0, or the run this one re-ran with overrides */
  WfMode        mode;
  char         *language;           /* python | sql, nullable when nothing was generated */
  char         *question;           /* the user's text (or the file name in paste mode) */
  char         *code;
  char         *code_hash;          /* sha256 of code, hex */
  char         *explanation;
  char         *answer;             /* the one-paragraph reply shown in the chat */
  WfOutcome     outcome;
  char         *message;            /* the user-facing message for the outcome */
  char         *provider;
  char         *model;
  char         *verdict_json;       /* firewall verdict, nullable */
  char         *overrides_json;     /* {"label": value} applied to wf.param, nullable */
  char         *clarification_json; /* {"question","options":[…]}, nullable */
  GPtrArray    *fixes;              /* (element-type utf8) repair fixes applied */
  GPtrArray    *spans;              /* (element-type WfCostSpan) */
  WfRunResult  *result;             /* nullable */
  gint64        total_micros;
  gboolean      cost_estimated;
  gint64        created_us;
  gint64        finished_us;
} WfRun;

WfRun *wf_run_new  (void);
void   wf_run_free (WfRun *run);

/* A lighter row for history lists. */
typedef struct
{
  gint64     id;
  gint64     session_id;
  WfMode     mode;
  WfOutcome  outcome;
  char      *question;
  char      *answer;
  char      *model;
  gint64     total_micros;
  gboolean   cost_estimated;
  gint64     created_us;
} WfRunSummary;

WfRunSummary *wf_run_summary_new  (void);
void          wf_run_summary_free (WfRunSummary *summary);

/* Append-only spend ledger (DESIGN §7). One unique (run_key, kind) per row so
 * nothing is counted twice. */
typedef enum
{
  WF_LEDGER_RESERVE,
  WF_LEDGER_SETTLE,
  WF_LEDGER_RELEASE,
} WfLedgerKind;

const char *wf_ledger_kind_to_string   (WfLedgerKind  kind);
gboolean    wf_ledger_kind_from_string (const char   *str,
                                        WfLedgerKind *out_kind);

typedef struct
{
  gint64        id;
  char         *run_key;        /* unique per attempt: "run:<uuid>" or similar */
  WfLedgerKind  kind;
  gint64        amount_micros;  /* ≥ 0 */
  gint64        session_id;     /* 0 when none */
  char         *provider;
  char         *model;
  gboolean      estimated;
  gint64        created_us;
  gint64        expires_us;     /* reservations only; 0 otherwise */
} WfLedgerEntry;

WfLedgerEntry *wf_ledger_entry_new  (const char   *run_key,
                                     WfLedgerKind  kind,
                                     gint64        amount_micros);
void           wf_ledger_entry_free (WfLedgerEntry *entry);

typedef struct
{
  char   *id;               /* e.g. "openai/gpt-4o-mini" */
  char   *provider;         /* openrouter | cohere | local | offline */
  char   *name;
  gint64  input_micros_per_mtok;    /* price per million input tokens, micro-dollars; -1 unknown */
  gint64  output_micros_per_mtok;
  gint64  context_length;
  gint64  fetched_us;
} WfModelInfo;

WfModelInfo *wf_model_info_new  (const char *id,
                                 const char *provider);
WfModelInfo *wf_model_info_copy (const WfModelInfo *info);
void         wf_model_info_free (WfModelInfo *info);

typedef struct
{
  gint64  id;
  char   *name;             /* the name wf.load() takes */
  char   *file_name;        /* original file name, for display */
  char   *table_name;       /* table in the workbook database */
  gint64  n_rows;
  char   *columns_json;     /* [{"name","type"}] */
  gint64  imported_us;
} WfDataset;

WfDataset *wf_dataset_new  (const char *name);
void       wf_dataset_free (WfDataset *dataset);

/* JSON shapes shared by the CLI, the store and the pipeline. Non-finite
 * numbers become null. */
void wf_table_to_json      (const WfTable     *table,
                            JsonBuilder       *builder);
void wf_metric_to_json     (const WfMetric    *metric,
                            JsonBuilder       *builder);
void wf_param_to_json      (const WfParam     *param,
                            JsonBuilder       *builder);
void wf_chart_to_json      (const WfChart     *chart,
                            JsonBuilder       *builder);
void wf_cost_span_to_json  (const WfCostSpan  *span,
                            JsonBuilder       *builder);
/* Adds the members of a run result to an object the caller has begun. */
void wf_run_result_add_members (const WfRunResult *result,
                                JsonBuilder       *builder);

WfTable  *wf_table_from_json  (JsonNode  *node,
                               GError   **error);
WfChart  *wf_chart_from_json  (JsonNode  *node,
                               GError   **error);
WfParam  *wf_param_from_json  (JsonNode  *node,
                               GError   **error);
WfMetric *wf_metric_from_json (JsonNode  *node,
                               GError   **error);

/* A non-finite double as JSON null, else the number. */
void   wf_json_add_double (JsonBuilder *builder,
                           double       value);
double wf_json_get_double (JsonNode    *node);   /* NAN unless a number */

char  *wf_sha256_hex      (const char  *text);
double wf_micros_to_usd   (gint64       micros);
gint64 wf_usd_to_micros   (double       usd);    /* rounds; clamps NaN and negatives to 0 */

#define WF_TYPES_ERROR (wf_types_error_quark ())
GQuark wf_types_error_quark (void);
typedef enum
{
  WF_TYPES_ERROR_INVALID,
} WfTypesError;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfTable, wf_table_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfMetric, wf_metric_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfParam, wf_param_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfChart, wf_chart_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfSeries, wf_series_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfRunResult, wf_run_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfCostSpan, wf_cost_span_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfSessionInfo, wf_session_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfMessage, wf_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfRun, wf_run_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfRunSummary, wf_run_summary_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfLedgerEntry, wf_ledger_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfModelInfo, wf_model_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfDataset, wf_dataset_free)

G_END_DECLS
