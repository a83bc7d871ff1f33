/* wf-sandbox.c: interface dispatch, jobs and limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-sandbox"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "wf-sandbox.h"

G_DEFINE_QUARK (wf-sandbox-error-quark, wf_sandbox_error)
G_DEFINE_INTERFACE (WfSandbox, wf_sandbox, G_TYPE_OBJECT)

static void
wf_sandbox_default_init (WfSandboxInterface *iface)
{
}

void
wf_limits_init_defaults (WfLimits *limits)
{
  g_return_if_fail (limits != NULL);

  limits->wall_ms = 30 * 1000;
  limits->cpu_ms = 20 * 1000;
  limits->memory_bytes = G_GINT64_CONSTANT (1) << 30;
  limits->open_files = 256;
  limits->file_size_bytes = 64 * 1024 * 1024;
  limits->output_bytes = 1024 * 1024;
  limits->table_rows = 100000;
  limits->tmpfs_bytes = 64 * 1024 * 1024;
  limits->tmpfs_inodes = 4096;
}

WfJob *
wf_job_new (WfJobKind   kind,
            const char *language,
            const char *code)
{
  WfJob *job = g_new0 (WfJob, 1);

  job->kind = kind;
  job->id = g_uuid_string_random ();
  job->language = g_strdup (language ? language : "python");
  job->code = g_strdup (code ? code : "");
  job->policy = TRUE;
  job->overrides = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  wf_limits_init_defaults (&job->limits);

  return job;
}

void
wf_job_set_override (WfJob      *job,
                     const char *label,
                     double      value)
{
  g_return_if_fail (job != NULL);
  g_return_if_fail (label != NULL);

  g_hash_table_replace (job->overrides, g_strdup (label), g_memdup2 (&value, sizeof value));
}

void
wf_job_free (WfJob *job)
{
  if (job == NULL)
    return;

  g_free (job->id);
  g_free (job->language);
  g_free (job->code);
  g_clear_pointer (&job->overrides, g_hash_table_unref);
  g_free (job->workbook_path);
  g_clear_pointer (&job->datasets, g_ptr_array_unref);
  g_free (job->import_path);
  g_free (job->import_name);
  g_free (job->sweep_json);
  g_free (job);
}

const char *
wf_sandbox_get_name (WfSandbox *self)
{
  g_return_val_if_fail (WF_IS_SANDBOX (self), NULL);

  return WF_SANDBOX_GET_IFACE (self)->get_name (self);
}

gboolean
wf_sandbox_is_available (WfSandbox  *self,
                         GError    **error)
{
  g_return_val_if_fail (WF_IS_SANDBOX (self), FALSE);

  return WF_SANDBOX_GET_IFACE (self)->is_available (self, error);
}

WfRunResult *
wf_sandbox_run (WfSandbox              *self,
                const WfJob            *job,
                WfSandboxProgressFunc   progress,
                gpointer                progress_data,
                GCancellable           *cancellable,
                GError                **error)
{
  g_return_val_if_fail (WF_IS_SANDBOX (self), NULL);
  g_return_val_if_fail (job != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return WF_SANDBOX_GET_IFACE (self)->run (self, job, progress, progress_data, cancellable, error);
}

void
wf_sandbox_warm_up (WfSandbox *self)
{
  g_return_if_fail (WF_IS_SANDBOX (self));

  if (WF_SANDBOX_GET_IFACE (self)->warm_up)
    WF_SANDBOX_GET_IFACE (self)->warm_up (self);
}

static void
run_worker (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  GError *error = NULL;
  WfRunResult *result;

  result = wf_sandbox_run (WF_SANDBOX (source_object), task_data, NULL, NULL, cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) wf_run_result_free);
}

void
wf_sandbox_run_async (WfSandbox           *self,
                      WfJob               *job,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (WF_IS_SANDBOX (self));
  g_return_if_fail (job != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wf_sandbox_run_async);
  g_task_set_task_data (task, job, (GDestroyNotify) wf_job_free);
  g_task_run_in_thread (task, run_worker);
}

WfRunResult *
wf_sandbox_run_finish (WfSandbox     *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
wf_sandbox_get_runner_dir (void)
{
  static char *dir;
  static gsize once;

  if (g_once_init_enter (&once))
    {
      const char *env = g_getenv ("WHATIF_RUNNER_DIR");

      if (env != NULL && *env != '\0')
        dir = g_strdup (env);
      else if (g_file_test (PKGDATADIR "/runner/whatif_runner.py", G_FILE_TEST_IS_REGULAR))
        dir = g_strdup (PKGDATADIR "/runner");
      else
        dir = g_strdup (WF_SOURCE_RUNNER_DIR);

      g_once_init_leave (&once, 1);
    }

  return dir;
}
