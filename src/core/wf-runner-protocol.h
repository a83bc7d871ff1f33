/* wf-runner-protocol.h: the runner's JSON-lines protocol, C side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The runner answers each job with JSON lines on a descriptor of its own:
 * table, metric, chart, param, log, verdict, progress, and one final done.
 * Everything it sends is treated as hostile: sizes and counts are bounded
 * here, whatever the message claims.
 *
 * This is the one parser of the protocol: the zygote pool uses it directly;
 * the Flatpak and E2B backends through WfResultCollector, which adds the
 * output caps and owns the result.
 *
 * Line shapes (one JSON object per line, member "type"):
 *   table    {name, columns, rows, truncated?}
 *   metric   {name, value, unit}        param  {label, kind, value, min, max, step}
 *   chart    {kind, title, x, series}   log    {level, message, limit?}
 *   verdict  {verdict: "allow"|"block", language, rules}
 *   progress {message?, fraction?}
 *   done     {status, exit_code, wall_ms, cpu_ms, peak_rss_kb, limits_hit?,
 *             truncated?: {stdout?, stderr?, tables?}, error?}
 */
#pragma once

#include <glib.h>

#include "wf-sandbox.h"
#include "wf-types.h"

G_BEGIN_DECLS

#define WF_RUNNER_PROTOCOL_ERROR (wf_runner_protocol_error_quark ())
GQuark wf_runner_protocol_error_quark (void);

typedef enum
{
  WF_RUNNER_PROTOCOL_ERROR_MALFORMED,   /* not JSON, wrong shape or type */
  WF_RUNNER_PROTOCOL_ERROR_OVERSIZED,   /* a line, a table or a count past its bound */
  WF_RUNNER_PROTOCOL_ERROR_ORDER,       /* anything after done, or no done at all */
} WfRunnerProtocolError;

/* Bounds that do not come from the job's limits. */
#define WF_RUNNER_MAX_LINE      (32 * 1024 * 1024)
#define WF_RUNNER_MAX_TOTAL     (256 * 1024 * 1024)
#define WF_RUNNER_MAX_TABLES    64
#define WF_RUNNER_MAX_COLUMNS   1024
#define WF_RUNNER_MAX_METRICS   1024
#define WF_RUNNER_MAX_PARAMS    256
#define WF_RUNNER_MAX_CHARTS    64
#define WF_RUNNER_MAX_SERIES    64
#define WF_RUNNER_MAX_POINTS    100000
#define WF_RUNNER_MAX_LOGS      1000
#define WF_RUNNER_MAX_TEXT      (8 * 1024)     /* an error message */
#define WF_RUNNER_MAX_LOG       (4 * 1024)     /* an info log or progress text */

/* Where the bwrap backend mounts the workbook (read-only for run jobs,
 * writable for import jobs) and the CSV file of an import job. */
#define WF_RUNNER_WORKBOOK_DIR   "/workbook"
#define WF_RUNNER_WORKBOOK_MOUNT "/workbook/workbook.db"
#define WF_RUNNER_IMPORT_MOUNT   "/import/input.csv"

typedef struct _WfRunnerParser WfRunnerParser;

/* Fills RESULT (borrowed, must outlive the parser). TABLE_ROWS bounds every
 * table; 0 means the default of 100 000. */
WfRunnerParser *wf_runner_parser_new     (WfRunResult            *result,
                                          gint64                  table_rows,
                                          WfSandboxProgressFunc   progress,
                                          gpointer                progress_data);
void            wf_runner_parser_free    (WfRunnerParser         *self);
/* Bytes as they arrive; splits lines itself. FALSE (and the parser stays
 * failed) on the first bad message. */
gboolean        wf_runner_parser_feed    (WfRunnerParser         *self,
                                          const char             *data,
                                          gsize                   len,
                                          GError                **error);
/* One complete line, without its newline. */
gboolean        wf_runner_parser_line    (WfRunnerParser         *self,
                                          const char             *line,
                                          gsize                   len,
                                          GError                **error);
/* End of stream: fails unless exactly one done was seen and nothing is pending. */
gboolean        wf_runner_parser_finish  (WfRunnerParser         *self,
                                          GError                **error);
/* End of stream where a missing done is the caller's to judge (the runner
 * was killed): fails only if the parser failed or a message was cut off. */
gboolean        wf_runner_parser_end     (WfRunnerParser         *self,
                                          GError                **error);
gboolean        wf_runner_parser_is_done (WfRunnerParser         *self);
void            wf_runner_parser_set_progress (WfRunnerParser        *self,
                                               WfSandboxProgressFunc  progress,
                                               gpointer               progress_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfRunnerParser, wf_runner_parser_free)

/* The job as the one JSON line the runner reads (with the trailing newline). */
char *wf_runner_job_to_json (const WfJob *job);

G_END_DECLS
