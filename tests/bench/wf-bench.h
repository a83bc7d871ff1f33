/* wf-bench.h: the benchmark report every area adds its entries to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Performance is measured here and only here: never a timed assertion in a test.
 * An entry is a set of samples (p50/p95/min/max are computed by the report); a
 * ratio is two figures measured in the same run.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _WfBench WfBench;

/* A private temporary directory for the run, removed at exit. */
const char *wf_bench_get_tmpdir   (WfBench    *bench);
/* Whether --quick was given (fewer iterations, for a smoke run). */
gboolean    wf_bench_is_quick     (WfBench    *bench);
/* Returns a borrowed sample array for entry NAME (created on first use). */
GArray     *wf_bench_samples      (WfBench    *bench,
                                   const char *name,
                                   const char *unit);
void        wf_bench_add_sample   (WfBench    *bench,
                                   const char *name,
                                   const char *unit,
                                   double      value);
/* The p50 of an entry, for ratios; NAN if absent. */
double      wf_bench_get_p50      (WfBench    *bench,
                                   const char *name);
void        wf_bench_add_ratio    (WfBench    *bench,
                                   const char *name,
                                   double      value,
                                   const char *of,
                                   const char *to);
void        wf_bench_note         (WfBench    *bench,
                                   const char *format,
                                   ...) G_GNUC_PRINTF (2, 3);

static inline double
wf_bench_now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* One function per area. */
void wf_bench_store    (WfBench *bench);
void wf_bench_sandbox  (WfBench *bench);
void wf_bench_repair   (WfBench *bench);
void wf_bench_firewall (WfBench *bench);
void wf_bench_pipeline (WfBench *bench);
void wf_bench_csv      (WfBench *bench);
void wf_bench_app      (WfBench *bench);

G_END_DECLS
