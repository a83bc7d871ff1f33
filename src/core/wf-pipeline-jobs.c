/* wf-pipeline-jobs.c: the sandbox jobs of a run and of a sweep
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Building jobs (overrides, the workbook and its datasets), the execute stage
 * with its one runtime repair, and wf_pipeline_sweep().
 */
#define G_LOG_DOMAIN "wf-pipeline"

#include "config.h"

#include <inttypes.h>

#include <math.h>

#include <glib/gi18n-lib.h>

#include "wf-pipeline.h"
#include "wf-pipeline-private.h"
#include "wf-firewall.h"
#include "wf-store.h"

static void
add_overrides (WfJob      *job,
               GHashTable *overrides)
{
  GHashTableIter iter;
  gpointer k, v;

  if (overrides == NULL)
    return;
  g_hash_table_iter_init (&iter, overrides);
  while (g_hash_table_iter_next (&iter, &k, &v))
    wf_job_set_override (job, k, *(double *) v);
}

char *
wf_pipeline_overrides_to_json (GHashTable *overrides)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GHashTableIter iter;
  gpointer k, v;

  json_builder_begin_object (b);
  g_hash_table_iter_init (&iter, overrides);
  while (g_hash_table_iter_next (&iter, &k, &v))
    {
      json_builder_set_member_name (b, k);
      wf_json_add_double (b, *(double *) v);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* Every run may read the user's datasets: wf.load() and SQL mode. Only a
 * workbook that exists is named (a backend may refuse to share a missing
 * file), and for Python only when there are datasets to load. */
static void
add_workbook (WfJob   *job,
              WfStore *store)
{
  g_autoptr(GPtrArray) datasets = wf_store_list_datasets (store, NULL);
  g_autofree char *workbook = wf_store_dup_workbook_path (store);
  gboolean have_datasets = datasets != NULL && datasets->len > 0;

  if ((have_datasets || g_strcmp0 (job->language, "sql") == 0) &&
      g_file_test (workbook, G_FILE_TEST_IS_REGULAR))
    job->workbook_path = g_steal_pointer (&workbook);
  if (have_datasets)
    job->datasets = g_steal_pointer (&datasets);
}

/* The workbook and datasets FROM names, for another job of the same run. */
static void
copy_workbook (WfJob       *job,
               const WfJob *from)
{
  g_free (job->workbook_path);
  job->workbook_path = g_strdup (from->workbook_path);
  g_clear_pointer (&job->datasets, g_ptr_array_unref);
  if (from->datasets != NULL)
    job->datasets = g_ptr_array_ref (from->datasets);
}

/* Runs the code; returns the result (nullable on a sandbox failure). */
static WfRunResult *
execute (Ctx     *c,
         GError **error)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, c->run->language, c->run->code);

  /* The static check and the audit hook run with the job when the runner has
   * the policy; a verdict was already required or comes with the result. */
  job->policy = wf_pipeline_policy_installed ();
  add_overrides (job, c->req->overrides);
  add_workbook (job, c->store);
  return wf_sandbox_run (c->sandbox, job, NULL, NULL, c->cancellable, error);
}

static gboolean
result_has_output (const WfRunResult *r)
{
  return r->metrics->len > 0 || r->tables->len > 0;
}

static char *
error_summary (const WfRunResult *r)
{
  if (r->error_message != NULL)
    return g_strdup (r->error_message);
  if (r->stderr_text != NULL && *r->stderr_text)
    return g_strndup (r->stderr_text, 2000);
  return g_strdup (_("the program produced no metrics or tables"));
}

void
wf_pipeline_stage_execute (Ctx           *c,
                           WfLlmProvider *provider,
                           GPtrArray     *messages)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) r = NULL;
  gboolean repaired = FALSE;
  gboolean in_job;

again:
  /* No verdict yet: the job checks the code itself (wf_pipeline_checks_in_job). */
  in_job = c->run->verdict_json == NULL && wf_pipeline_checks_in_job (c);
  wf_pipeline_stage_begin (c, in_job ? "firewall" : repaired ? "execute-repaired" : "execute");
  r = execute (c, &error);
  if (r == NULL)
    {
      if (wf_pipeline_check_cancelled (c))
        return;
      wf_pipeline_stage_end (c, "error");
      wf_pipeline_set_outcome (c, WF_OUTCOME_SANDBOX_ERROR, error->message);
      return;
    }
  if (in_job && g_cancellable_is_cancelled (c->cancellable))
    {
      wf_pipeline_check_cancelled (c);   /* ends the firewall span; the verdict may be missing */
      return;
    }
  if (in_job)
    {
      gint64 exec_us = CLAMP (r->wall_ms * 1000, 0, g_get_monotonic_time () - c->span->duration_us);

      if (!wf_pipeline_job_verdict_allows (c, r, exec_us))
        return;
      wf_pipeline_stage_begin (c, repaired ? "execute-repaired" : "execute");
      c->span->duration_us -= exec_us;
      c->span->start_us -= exec_us;
    }
  c->span->sandbox_seconds = r->wall_ms / 1000.0;
  if (g_cancellable_is_cancelled (c->cancellable))
    {
      g_clear_pointer (&c->run->result, wf_run_result_free);
      c->run->result = g_steal_pointer (&r);
      wf_pipeline_check_cancelled (c);
      return;
    }
  if (r->status == WF_RUN_STATUS_OK && result_has_output (r))
    {
      wf_pipeline_stage_end (c, "ok");
      g_clear_pointer (&c->run->result, wf_run_result_free);
      c->run->result = g_steal_pointer (&r);
      wf_pipeline_build_answer (c);
      return;
    }
  if ((r->status == WF_RUN_STATUS_OK || r->status == WF_RUN_STATUS_ERROR) && !repaired &&
      provider != NULL && messages != NULL)
    {
      /* One repair round: the error and the code go back to the model. */
      g_autofree char *why = error_summary (r);
      g_autofree char *prompt = g_strdup_printf (
        "Your program failed when it ran:\n```\n%s\n```\nThe program was:\n```python\n%s\n```\n"
        "Answer again with the corrected program in the same JSON shape.", why, c->run->code);
      g_autofree char *raw = NULL;

      wf_pipeline_stage_end (c, "error");
      wf_pipeline_stage_begin (c, "repair-runtime");
      g_ptr_array_add (messages, wf_chat_message_new ("assistant", c->run->code));
      g_ptr_array_add (messages, wf_chat_message_new ("user", prompt));
      raw = wf_pipeline_call_model (c, provider, messages, &error);
      if (raw != NULL && wf_pipeline_apply_repair (c, raw, &error))
        {
          g_ptr_array_add (c->run->fixes, g_strdup ("runtime_reask"));
          wf_pipeline_stage_end (c, "ok");
          repaired = TRUE;
          g_clear_pointer (&r, wf_run_result_free);
          g_clear_pointer (&c->run->verdict_json, g_free);
          if (!wf_pipeline_checks_in_job (c) && !wf_pipeline_verdict_allows (c))
            return;
          goto again;
        }
      if (wf_pipeline_check_cancelled (c))
        return;
      wf_pipeline_stage_end (c, "error");
    }
  else
    wf_pipeline_stage_end (c, wf_run_status_to_string (r->status));

  switch (r->status)
    {
    case WF_RUN_STATUS_TIMEOUT:
      wf_pipeline_set_outcome (c, WF_OUTCOME_TIMEOUT, _("The program took too long and was stopped."));
      break;
    case WF_RUN_STATUS_BLOCKED:
      {
        g_autofree char *msg = g_strdup_printf (_("The sandbox blocked the program while it ran: %s"),
                                                r->error_message ? r->error_message : "");
        wf_pipeline_set_outcome (c, WF_OUTCOME_BLOCKED, msg);
      }
      break;
    case WF_RUN_STATUS_KILLED:
    case WF_RUN_STATUS_REFUSED:
      {
        g_autofree char *msg = g_strdup_printf (_("The sandbox could not run the program: %s"),
                                                r->error_message ? r->error_message : "");
        wf_pipeline_set_outcome (c, WF_OUTCOME_SANDBOX_ERROR, msg);
      }
      break;
    case WF_RUN_STATUS_OK:
    case WF_RUN_STATUS_ERROR:
    default:
      {
        g_autofree char *why = error_summary (r);
        g_autofree char *msg = g_strdup_printf (_("The program ran but failed: %s"), why);
        wf_pipeline_set_outcome (c, WF_OUTCOME_FAILED, msg);
      }
      break;
    }
  g_clear_pointer (&c->run->result, wf_run_result_free);
  c->run->result = g_steal_pointer (&r);
}

/* ---- sweep ---- */

static guint
axis_points (const WfSweepAxis *a)
{
  double n;

  if (!isfinite (a->from) || !isfinite (a->to) || !isfinite (a->step) || a->step <= 0 || a->to < a->from)
    return 0;
  n = floor ((a->to - a->from) / a->step + 1e-9) + 1;
  return n > WF_PIPELINE_MAX_SWEEP_POINTS ? WF_PIPELINE_MAX_SWEEP_POINTS + 1 : (guint) n;
}

static double
axis_value (const WfSweepAxis *axis,
            guint              i)
{
  return axis->from + i * axis->step;
}

/* The whole sweep as one sandbox job: the checked code runs once per point in
 * one process, so the fork and its copy-on-write faults are paid once and not
 * per point. NULL with no error when the backend cannot run sweep jobs. */
static WfTable *
sweep_in_one_job (WfSandbox          *sandbox,
                  const WfJob        *data,
                  const WfRun        *run,
                  const WfSweepAxis  *axes,
                  guint               n_axes,
                  guint               n0,
                  guint               n1,
                  const char * const *metrics,
                  GCancellable       *cancellable,
                  GError            **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) spec = NULL;
  g_autoptr(WfJob) job = NULL;
  g_autoptr(WfRunResult) r = NULL;
  g_autoptr(GError) local_error = NULL;
  guint i, j, k, n_columns = n_axes;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "labels");
  json_builder_begin_array (b);
  for (i = 0; i < n_axes; i++)
    json_builder_add_string_value (b, axes[i].label);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "metrics");
  json_builder_begin_array (b);
  for (k = 0; metrics[k] != NULL; k++, n_columns++)
    json_builder_add_string_value (b, metrics[k]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "points");
  json_builder_begin_array (b);
  for (i = 0; i < n0; i++)
    for (j = 0; j < n1; j++)
      {
        json_builder_begin_array (b);
        wf_json_add_double (b, axis_value (&axes[0], i));
        if (n_axes == 2)
          wf_json_add_double (b, axis_value (&axes[1], j));
        json_builder_end_array (b);
      }
  json_builder_end_array (b);
  json_builder_end_object (b);
  spec = json_builder_get_root (b);

  job = wf_job_new (WF_JOB_SWEEP, "python", run->code);
  job->policy = TRUE;
  job->sweep_json = json_to_string (spec, FALSE);
  copy_workbook (job, data);
  /* One job does the work of n: its time limits grow with the points. */
  job->limits.wall_ms += (gint64) n0 * n1 * 250;
  job->limits.cpu_ms += (gint64) n0 * n1 * 200;

  r = wf_sandbox_run (sandbox, job, NULL, NULL, cancellable, &local_error);
  if (r == NULL)
    {
      if (g_error_matches (local_error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_INVALID))
        return NULL;   /* a backend without sweep jobs (E2B): one job per point */
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (r->status == WF_RUN_STATUS_REFUSED)
    return NULL;
  if (r->status == WF_RUN_STATUS_OK)
    for (i = 0; i < r->tables->len; i++)
      {
        WfTable *t = g_ptr_array_index (r->tables, i);

        if (g_strcmp0 (t->name, "sweep") == 0 && t->columns->len == n_columns &&
            json_array_get_length (t->rows) == n0 * n1)
          return g_ptr_array_steal_index (r->tables, i);
      }
  g_set_error (error, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_INVALID,
               _("The sweep could not run: %s"),
               r->error_message ? r->error_message : wf_run_status_to_string (r->status));
  return NULL;
}

WfTable *
wf_pipeline_sweep (WfPipeline         *self,
                   gint64              run_id,
                   const WfSweepAxis  *axes,
                   guint               n_axes,
                   const char * const *metrics,
                   GCancellable       *cancellable,
                   GError            **error)
{
  g_autoptr(WfStore) store = NULL;
  g_autoptr(WfRun) run = NULL;
  g_autoptr(WfSandbox) sandbox = NULL;
  g_autoptr(WfTable) table = NULL;
  g_autoptr(WfJob) data = NULL;
  g_autoptr(GError) local_error = NULL;
  guint n0, n1, i, j, k;

  g_return_val_if_fail (WF_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (n_axes == 1 || n_axes == 2, NULL);
  g_return_val_if_fail (metrics != NULL && metrics[0] != NULL, NULL);

  n0 = axis_points (&axes[0]);
  n1 = n_axes == 2 ? axis_points (&axes[1]) : 1;
  if (n0 == 0 || n1 == 0)
    {
      g_set_error (error, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_INVALID,
                   _("A range must go from a number up to a larger one in positive steps."));
      return NULL;
    }
  if ((guint64) n0 * n1 > WF_PIPELINE_MAX_SWEEP_POINTS)
    {
      g_set_error (error, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_INVALID,
                   _("A sweep has at most %d points; this one has %u."),
                   WF_PIPELINE_MAX_SWEEP_POINTS, n0 * n1);
      return NULL;
    }
  store = wf_pipeline_take_store (self, error);
  if (store == NULL)
    return NULL;
  run = wf_store_load_run (store, run_id, error);
  /* What the points may read (wf.load, SQL), taken while the store is ours. */
  if (run != NULL && run->code != NULL)
    {
      data = wf_job_new (WF_JOB_RUN, run->language ? run->language : "python", run->code);
      add_workbook (data, store);
    }
  wf_pipeline_give_back_store (self, g_steal_pointer (&store));
  if (run == NULL)
    return NULL;
  if (run->code == NULL)
    {
      g_set_error (error, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_NOT_FOUND,
                   _("Run %" PRId64 " has no code to sweep."), run_id);
      return NULL;
    }
  if (g_strcmp0 (run->language, "python") == 0)
    {
      /* Only code the firewall already let through, unchanged since. */
      g_autoptr(WfVerdict) verdict = run->verdict_json ? wf_verdict_from_json (run->verdict_json, -1, NULL) : NULL;
      g_autofree char *hash = wf_sha256_hex (run->code);

      if (verdict == NULL || !wf_verdict_is_allowed (verdict) || g_strcmp0 (hash, run->code_hash) != 0)
        {
          g_set_error (error, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_INVALID,
                       _("Run %" PRId64 " was not allowed by the firewall, so it cannot be swept."), run_id);
          return NULL;
        }
    }
  sandbox = wf_pipeline_dup_sandbox (self, error);
  if (sandbox == NULL)
    return NULL;

  if (g_strcmp0 (run->language, "python") == 0)
    {
      table = sweep_in_one_job (sandbox, data, run, axes, n_axes, n0, n1, metrics, cancellable, &local_error);
      if (table != NULL)
        return g_steal_pointer (&table);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  table = wf_table_new ("sweep");
  for (i = 0; i < n_axes; i++)
    g_ptr_array_add (table->columns, g_strdup (axes[i].label));
  for (k = 0; metrics[k] != NULL; k++)
    g_ptr_array_add (table->columns, g_strdup (metrics[k]));

  for (i = 0; i < n0; i++)
    for (j = 0; j < n1; j++)
      {
        g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, run->language ? run->language : "python", run->code);
        g_autoptr(WfRunResult) r = NULL;
        JsonArray *row = json_array_new ();
        double v0 = axis_value (&axes[0], i);
        double v1 = n_axes == 2 ? axis_value (&axes[1], j) : 0;

        copy_workbook (job, data);
        wf_job_set_override (job, axes[0].label, v0);
        json_array_add_double_element (row, v0);
        if (n_axes == 2)
          {
            wf_job_set_override (job, axes[1].label, v1);
            json_array_add_double_element (row, v1);
          }
        r = wf_sandbox_run (sandbox, job, NULL, NULL, cancellable, error);
        if (r == NULL)
          {
            json_array_unref (row);
            return NULL;
          }
        for (k = 0; metrics[k] != NULL; k++)
          {
            const WfMetric *found = NULL;
            guint m;

            for (m = 0; r->status == WF_RUN_STATUS_OK && m < r->metrics->len; m++)
              if (g_strcmp0 (((WfMetric *) g_ptr_array_index (r->metrics, m))->name, metrics[k]) == 0)
                found = g_ptr_array_index (r->metrics, m);
            if (found != NULL && isfinite (found->value))
              json_array_add_double_element (row, found->value);
            else
              json_array_add_null_element (row);
          }
        json_array_add_array_element (table->rows, row);
      }
  return g_steal_pointer (&table);
}
