/* wf-bench-hooks.h: what the benchmark asks of a running app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tests/bench/bench-app.c spawns the real `whatif` binary with one of these
 * environment variables set; the app then reports on stdout and quits:
 *   WHATIF_BENCH_FIRST_FRAME=1      "first_frame_ms <monotonic ms>" after the first frame
 *   WHATIF_BENCH_HISTORY_SCROLL=1   scrolls the session list frame by frame to the end,
 *                                   then "history_scroll worst_ms <ms> frames <n> sessions <n>"
 */
#pragma once

#include "wf-window.h"

G_BEGIN_DECLS

/* Called once after the window's first frame; TRUE when a bench hook took over. */
gboolean wf_bench_hooks_first_frame (WfWindow *window);

G_END_DECLS
