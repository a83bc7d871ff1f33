/* bench-pipeline.c: what the pipeline itself costs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * pipeline.overhead     per question, wall time of the whole run minus the
 *                       firewall and execute stages (the sandbox); the offline
 *                       templates have no model latency. Includes the worker
 *                       thread, the store connection and the save.
 * pipeline.offline_e2e  per question, the whole run with the warm sandbox, asked
 *                       the way a person asks: a pause between two questions
 *                       (as sandbox.warm_pandas) lets the zygote make the next
 *                       job's processes ahead of time
 * pipeline.offline_e2e_burst  the same back to back: every job then waits for
 *                       its processes (fork, namespaces, copy-on-write faults)
 * pipeline.sweep100     one 100-point sweep of the loan template
 */
#define G_LOG_DOMAIN "wf-bench-pipeline"

#include "config.h"

#include "wf-bench.h"
#include "wf-pipeline.h"

static const char *questions[] = {
  "can I afford a 40k van loan at 7.5% over 5 years?",
  "How long will my cash last? I have $180,000 in the bank and burn $22,000 a month.",
  "Is it worth investing $50,000 in a machine that saves $15,000 a year for 5 years at an 8% discount rate?",
  "breakeven point with $25,000 fixed costs, unit price 120 and variable cost 70",
  "If I save $500 a month at 5% for 10 years, how much will I have?",
  "What should I charge for a product that costs $12 to get a 40% margin?",
  "Revenue went from $400k to $650k in 3 years, what's the CAGR?",
  "What does it really cost to hire 2 developers at $85,000 salary?",
};

void
wf_bench_pipeline (WfBench *bench)
{
  g_autofree char *db = g_build_filename (wf_bench_get_tmpdir (bench), "pipeline.db", NULL);
  g_autoptr(WfPipeline) pipeline = wf_pipeline_new (db, NULL);
  g_autoptr(GError) error = NULL;
  guint n = wf_bench_is_quick (bench) ? 20 : 200;
  guint n_burst = wf_bench_is_quick (bench) ? 10 : 50;
  gint64 van_id = 0;
  guint i, j;

  for (i = 0; i < n + 2 + n_burst; i++)
    {
      WfRunRequest *req = wf_run_request_new (WF_MODE_ASK, questions[i % G_N_ELEMENTS (questions)]);
      g_autoptr(WfRun) run = NULL;
      gboolean burst = i >= n + 2;
      double t0, total, sandbox_ms = 0;

      if (!burst)
        g_usleep (150 * 1000);
      t0 = wf_bench_now_ms ();
      run = wf_pipeline_run_sync (pipeline, req, NULL, &error);
      total = wf_bench_now_ms () - t0;
      if (run == NULL || run->outcome != WF_OUTCOME_ANSWERED)
        {
          wf_bench_note (bench, "pipeline: a question was not answered (%s)",
                         run ? run->message : error->message);
          return;
        }
      if (van_id == 0)
        van_id = run->id;
      if (i < 2)
        continue;   /* warm-up: the sandbox's first start */
      for (j = 0; j < run->spans->len; j++)
        {
          const WfCostSpan *s = g_ptr_array_index (run->spans, j);

          if (g_str_equal (s->stage, "firewall") || g_str_has_prefix (s->stage, "execute"))
            sandbox_ms += s->duration_us / 1000.0;
        }
      wf_bench_add_sample (bench, "pipeline.overhead", "ms", total - sandbox_ms);
      wf_bench_add_sample (bench, burst ? "pipeline.offline_e2e_burst" : "pipeline.offline_e2e", "ms", total);
    }

  {
    WfSweepAxis axis = { (char *) "Annual interest rate", 0.1, 10.0, 0.1 };
    const char *metrics[] = { "Monthly payment", NULL };
    g_autoptr(WfTable) table = NULL;
    double t0 = wf_bench_now_ms ();

    table = wf_pipeline_sweep (pipeline, van_id, &axis, 1, metrics, NULL, &error);
    if (table == NULL)
      wf_bench_note (bench, "pipeline.sweep100 failed: %s", error->message);
    else
      wf_bench_add_sample (bench, "pipeline.sweep100", "ms", wf_bench_now_ms () - t0);
  }
}
