/* bench-sandbox.c: per-job latency of the sandbox, cold and warm
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "wf-bench.h"
#include "wf-sandbox.h"
#include "wf-sandbox-bwrap.h"

/* A small but real model: a 60-month amortisation table with pandas. */
static const char model[] =
  "import pandas as pd, numpy as np, numpy_financial as npf, whatif as wf\n"
  "rate = wf.param('Rate', 7.5, kind='percent') / 100 / 12\n"
  "n = int(wf.param('Months', 60, kind='months'))\n"
  "principal = wf.param('Loan', 40000, kind='money')\n"
  "pay = -npf.pmt(rate, n, principal)\n"
  "per = np.arange(1, n + 1)\n"
  "interest = -npf.ipmt(rate, per, n, principal)\n"
  "result = pd.DataFrame({'month': per, 'interest': interest, 'principal': pay - interest})\n"
  "wf.metric('Monthly payment', pay, 'USD')\n";

static const char *
python (void)
{
  const char *env = g_getenv ("WHATIF_SANDBOX_PYTHON");

  return env && *env ? env : WF_SANDBOX_PYTHON;
}

static gboolean
run_one (WfBench    *bench,
         WfSandbox  *sandbox,
         const char *code,
         const char *entry)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python", code);
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) result = NULL;
  double start;

  job->policy = FALSE;
  start = wf_bench_now_ms ();
  result = wf_sandbox_run (sandbox, job, NULL, NULL, NULL, &error);
  if (result == NULL || result->status != WF_RUN_STATUS_OK)
    {
      wf_bench_note (bench, "%s: job failed: %s", entry,
                     error ? error->message : (result->error_message ? result->error_message : "?"));
      return FALSE;
    }
  if (entry != NULL)
    wf_bench_add_sample (bench, entry, "ms", wf_bench_now_ms () - start);
  return TRUE;
}

void
wf_bench_sandbox (WfBench *bench)
{
  gboolean quick = wf_bench_is_quick (bench);
  int n_floor = quick ? 10 : 50;
  int n_cold = quick ? 5 : 50;
  int n_warm = quick ? 15 : 60;
  g_autoptr(WfSandbox) warm = NULL;
  g_autoptr(GError) error = NULL;
  const char *floor_argv[] = { python (), "-I", "-S", "-c", "pass", NULL };
  double cold_p50, warm_p50;

  /* The floor: a bare interpreter start, outside any sandbox. */
  for (int i = 0; i < n_floor + 2; i++)
    {
      double start = wf_bench_now_ms ();
      int status = 0;

      if (!g_spawn_sync (NULL, (char **) floor_argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                         NULL, NULL, NULL, NULL, &status, &error))
        {
          wf_bench_note (bench, "sandbox.floor_python: %s", error->message);
          g_clear_error (&error);
          break;
        }
      if (i >= 2)
        wf_bench_add_sample (bench, "sandbox.floor_python", "ms", wf_bench_now_ms () - start);
    }

  warm = wf_sandbox_bwrap_new_full (1, 100000);
  if (!wf_sandbox_is_available (warm, &error))
    {
      wf_bench_note (bench, "sandbox: bwrap backend unavailable: %s", error->message);
      return;
    }

  /* Cold: a new bwrap and a new Python that imports pandas, for every job. */
  for (int i = 0; i < n_cold; i++)
    {
      g_autoptr(WfSandbox) cold = wf_sandbox_bwrap_new_full (1, 1);

      if (!run_one (bench, cold, "import pandas\n", "sandbox.cold_pandas"))
        break;
    }

  /* Warm: one zygote, started outside the timing, then the model per job. */
  wf_sandbox_warm_up (warm);
  for (int i = 0; i < 3; i++)
    run_one (bench, warm, model, NULL);
  /* Interactive use: a person changes an assumption, then the job runs. The
   * gap lets the zygote make the next job's processes ahead of time, as it
   * would between two clicks. */
  for (int i = 0; i < n_warm; i++)
    {
      g_usleep (150 * 1000);
      if (!run_one (bench, warm, model, "sandbox.warm_pandas"))
        break;
    }
  /* Back to back (a sweep): the zygote cannot stay ahead on 2 cores. */
  for (int i = 0; i < n_warm / 2; i++)
    if (!run_one (bench, warm, model, "sandbox.warm_pandas_burst"))
      break;

  cold_p50 = wf_bench_get_p50 (bench, "sandbox.cold_pandas");
  warm_p50 = wf_bench_get_p50 (bench, "sandbox.warm_pandas");
  if (cold_p50 > 0 && warm_p50 > 0)
    wf_bench_add_ratio (bench, "sandbox.warm_speedup", cold_p50 / warm_p50,
                        "sandbox.cold_pandas", "sandbox.warm_pandas");
  wf_bench_note (bench, "sandbox.warm_pandas runs with per-job user, mount, net, pid, ipc and uts "
                 "namespaces, a private tmpfs with an inode cap, rlimits and the job seccomp filter");
}
