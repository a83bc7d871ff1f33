/* wf-result-collector.h: the runner's protocol and output, into a WfRunResult
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Flatpak and E2B backends both receive the runner's JSON lines (through
 * a descriptor, or hidden in the remote kernel's stdout) and the job's
 * stdout/stderr. The lines go through the one protocol parser
 * (wf-runner-protocol.h: shapes, bounds, order); this collector adds what the
 * zygote pool does for itself: it owns the result, caps stdout and stderr
 * together at the job's output limit, and reports a protocol error in the
 * sandbox's error domain.
 */
#pragma once

#include "wf-sandbox.h"
#include "wf-runner-protocol.h"

G_BEGIN_DECLS

/* A single protocol line may not exceed this. */
#define WF_RESULT_COLLECTOR_MAX_LINE WF_RUNNER_MAX_LINE

typedef struct _WfResultCollector WfResultCollector;

WfResultCollector *wf_result_collector_new         (const WfLimits          *limits,
                                                    const char              *backend);
void               wf_result_collector_free        (WfResultCollector       *self);
void               wf_result_collector_set_progress (WfResultCollector      *self,
                                                    WfSandboxProgressFunc    progress,
                                                    gpointer                 progress_data);
/* One protocol line, without its newline. Errors are WF_SANDBOX_ERROR_PROTOCOL. */
gboolean           wf_result_collector_feed_line   (WfResultCollector       *self,
                                                    const char              *line,
                                                    gsize                    len,
                                                    GError                 **error);
/* Protocol bytes as they arrive (the parser splits the lines). */
gboolean           wf_result_collector_feed        (WfResultCollector       *self,
                                                    const char              *data,
                                                    gsize                    len,
                                                    GError                 **error);
/* End of the protocol stream: fails if the last message was cut off or
 * something came after done. Whether done came is has_done ()'s to say. */
gboolean           wf_result_collector_end         (WfResultCollector       *self,
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
