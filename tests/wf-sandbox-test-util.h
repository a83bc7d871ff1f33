/* wf-sandbox-test-util.h: helpers shared by the sandbox test programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <string.h>

#include "wf-sandbox.h"
#include "wf-sandbox-bwrap.h"

static WfSandbox *test_sandbox;

static inline WfRunResult *
test_run_job (WfJob *job)
{
  g_autoptr(GError) error = NULL;
  WfRunResult *result;

  result = wf_sandbox_run (test_sandbox, job, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  if (g_test_verbose ())
    g_test_message ("status=%s exit=%d wall=%" G_GINT64_FORMAT " error=%s\nstdout=%.2000s\nstderr=%.2000s",
                    wf_run_status_to_string (result->status), result->exit_code, result->wall_ms,
                    result->error_message ? result->error_message : "(none)",
                    result->stdout_text, result->stderr_text);
  return result;
}

static inline WfRunResult *
test_run (const char *code,
          gint64      wall_ms)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python", code);

  job->policy = FALSE;      /* the boundary is tested on its own */
  job->limits.wall_ms = wall_ms > 0 ? wall_ms : 5000;
  return test_run_job (job);
}

static inline gboolean
test_result_has_limit (const WfRunResult *result,
                       const char        *limit)
{
  for (guint i = 0; i < result->limits_hit->len; i++)
    if (g_str_equal (g_ptr_array_index (result->limits_hit, i), limit))
      return TRUE;
  return FALSE;
}

static inline const WfTable *
test_result_find_table (const WfRunResult *result,
                        const char        *name)
{
  for (guint i = 0; i < result->tables->len; i++)
    {
      const WfTable *t = g_ptr_array_index (result->tables, i);

      if (g_str_equal (t->name, name))
        return t;
    }
  return NULL;
}

static inline gboolean
test_sandbox_usable (void)
{
  g_autoptr(GError) error = NULL;

  if (!wf_sandbox_is_available (test_sandbox, &error))
    {
      g_test_skip (error->message);
      return FALSE;
    }
  return TRUE;
}
