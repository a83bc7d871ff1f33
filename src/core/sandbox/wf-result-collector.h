/* wf-result-collector.h: folds runner protocol lines into a WfRunResult
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Flatpak and E2B backends both receive the runner's JSON lines (through
 * a descriptor, or hidden in the remote kernel's stdout) and the job's
 * stdout/stderr. This collector applies the job's limits to all of it: output
 * is capped, tables are cut at the row limit, counts are bounded, and a
 * malformed or out-of-order line is an error, never trusted.
 *
 * Line shapes (one JSON object per line, member "type"):
 *   table  {name, columns, rows}       metric {name, value, unit}
 *   param  {label, kind, value, min, max, step}
 *   chart  {kind, title, x, series}    log    {message}
 *   error  {message}                   verdict {verdict}
 *   progress {message, fraction}
 *   done   {status, exit_code, wall_ms, cpu_ms, peak_rss_kb, limits_hit,
 *           truncated: {stdout, stderr, tables}, error}
 */
#pragma once

#include "wf-sandbox.h"

G_BEGIN_DECLS

/* A single protocol line may not exceed this. */
#define WF_RESULT_COLLECTOR_MAX_LINE (32 * 1024 * 1024)

typedef struct _WfResultCollector WfResultCollector;

WfResultCollector *wf_result_collector_new         (const WfLimits          *limits,
                                                    const char              *backend);
void               wf_result_collector_free        (WfResultCollector       *self);
void               wf_result_collector_set_progress (WfResultCollector      *self,
                                                    WfSandboxProgressFunc    progress,
                                                    gpointer                 progress_data);
/* One protocol line, without its newline. */
gboolean           wf_result_collector_feed_line   (WfResultCollector       *self,
                                                    const char              *line,
                                                    gsize                    len,
                                                    GError                 **error);
void               wf_result_collector_add_stdout  (WfResultCollector       *self,
                                                    const char              *text,
                                                    gsize                    len);
void               wf_result_collector_add_stderr  (WfResultCollector       *self,
                                                    const char              *text,
                                                    gsize                    len);
void               wf_result_collector_add_limit_hit (WfResultCollector     *self,
                                                    const char              *limit);
gboolean           wf_result_collector_has_done    (WfResultCollector       *self);
/* (transfer none) for the caller to fill in status, timings, … */
WfRunResult       *wf_result_collector_peek_result (WfResultCollector       *self);
/* Makes stdout/stderr valid UTF-8 and hands the result over. (transfer full) */
WfRunResult       *wf_result_collector_finish      (WfResultCollector       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfResultCollector, wf_result_collector_free)

G_END_DECLS
