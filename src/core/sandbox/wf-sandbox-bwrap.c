/* wf-sandbox-bwrap.c: the bubblewrap backend (a pool of warm zygotes)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-sandbox-bwrap"

#include "config.h"

#include "wf-sandbox-bwrap.h"

#include <glib/gi18n-lib.h>

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "wf-zygote.h"

/* Zygotes whose sandbox has the workbook mounted read-only, for run and SQL
 * jobs that read datasets: the mounts of a running bwrap are fixed, so these
 * are a pool of their own, replaced when the workbook file changes. */
typedef struct
{
  gint          ref;
  WfZygotePool *pool;
  char         *path;
  dev_t         dev;
  ino_t         ino;
} WorkbookPool;

static void
workbook_pool_unref (WorkbookPool *wp)
{
  if (wp == NULL || !g_atomic_int_dec_and_test (&wp->ref))
    return;
  wf_zygote_pool_free (wp->pool);
  g_free (wp->path);
  g_free (wp);
}

struct _WfSandboxBwrap
{
  GObject       parent_instance;
  guint         max_concurrent;
  guint         max_jobs;
  char         *runner_dir;  /* nullable: wf_sandbox_get_runner_dir () */
  GMutex        lock;
  WfZygotePool *pool;        /* created lazily: never on the app's start-up path */
  WorkbookPool *workbook;    /* nullable: see WorkbookPool */
};

static void wf_sandbox_bwrap_iface_init (WfSandboxInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WfSandboxBwrap, wf_sandbox_bwrap, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (WF_TYPE_SANDBOX, wf_sandbox_bwrap_iface_init))

static const char *
python_path (void)
{
  const char *env = g_getenv ("WHATIF_SANDBOX_PYTHON");

  return (env != NULL && *env != '\0') ? env : WF_SANDBOX_PYTHON;
}

static WfZygotePool *
get_pool (WfSandboxBwrap *self)
{
  WfZygotePool *pool;

  g_mutex_lock (&self->lock);
  if (self->pool == NULL)
    {
      WfZygoteConfig config = {
        .bwrap = WF_BWRAP_PATH,
        .python = python_path (),
        .runner_dir = self->runner_dir ? self->runner_dir : wf_sandbox_get_runner_dir (),
        .max_concurrent = self->max_concurrent,
        .max_jobs = self->max_jobs,
      };

      self->pool = wf_zygote_pool_new (&config);
    }
  pool = self->pool;
  g_mutex_unlock (&self->lock);
  return pool;
}

/* A ref on the read-only workbook pool for PATH (an existing file). */
static WorkbookPool *
get_workbook_pool (WfSandboxBwrap *self,
                   const char     *path,
                   const GStatBuf *st)
{
  WorkbookPool *old = NULL, *wp;

  g_mutex_lock (&self->lock);
  wp = self->workbook;
  if (wp == NULL || !g_str_equal (wp->path, path) || wp->dev != st->st_dev || wp->ino != st->st_ino)
    {
      WfZygoteConfig config = {
        .bwrap = WF_BWRAP_PATH,
        .python = python_path (),
        .runner_dir = self->runner_dir ? self->runner_dir : wf_sandbox_get_runner_dir (),
        .max_concurrent = self->max_concurrent,
        .max_jobs = self->max_jobs,
        .workbook_path = path,
        .workbook_writable = FALSE,
      };

      old = self->workbook;
      wp = g_new0 (WorkbookPool, 1);
      wp->ref = 1;
      wp->pool = wf_zygote_pool_new (&config);
      wp->path = g_strdup (path);
      wp->dev = st->st_dev;
      wp->ino = st->st_ino;
      self->workbook = wp;
    }
  g_atomic_int_inc (&wp->ref);
  g_mutex_unlock (&self->lock);
  workbook_pool_unref (old);
  return wp;
}

/* An import job gets a cold sandbox of its own: the CSV file read-only and
 * the workbook (with its journal, which must exist) the only writable paths. */
static WfRunResult *
run_import (WfSandboxBwrap         *self,
            const WfJob            *job,
            WfSandboxProgressFunc   progress,
            gpointer                progress_data,
            GCancellable           *cancellable,
            GError                **error)
{
  g_autoptr(WfZygotePool) pool = NULL;
  g_autofree char *journal = NULL;
  WfZygoteConfig config = {
    .bwrap = WF_BWRAP_PATH,
    .python = python_path (),
    .runner_dir = self->runner_dir ? self->runner_dir : wf_sandbox_get_runner_dir (),
    .max_concurrent = 1,
    .max_jobs = 1,
    .workbook_path = job->workbook_path,
    .workbook_writable = TRUE,
    .import_path = job->import_path,
  };

  if (job->workbook_path == NULL || job->import_path == NULL || job->import_name == NULL)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_INVALID,
                   _("An import job needs a file, a table name and a workbook"));
      return NULL;
    }
  journal = g_strconcat (job->workbook_path, "-journal", NULL);
  if (!g_file_test (job->workbook_path, G_FILE_TEST_IS_REGULAR) ||
      !g_file_test (journal, G_FILE_TEST_IS_REGULAR) ||
      !g_file_test (job->import_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_INVALID,
                   _("The workbook, its journal and the file to import must be regular files"));
      return NULL;
    }
  pool = wf_zygote_pool_new (&config);
  return wf_zygote_pool_run (pool, job, progress, progress_data, cancellable, error);
}

static const char *
wf_sandbox_bwrap_get_name (WfSandbox *sandbox)
{
  return "bwrap";
}

static gboolean
wf_sandbox_bwrap_is_available (WfSandbox  *sandbox,
                               GError    **error)
{
  WfSandboxBwrap *self = WF_SANDBOX_BWRAP (sandbox);
  g_autofree char *runner = g_build_filename (self->runner_dir ? self->runner_dir : wf_sandbox_get_runner_dir (),
                                              "whatif_runner.py", NULL);

  if (!g_file_test (WF_BWRAP_PATH, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE,
                   _("bubblewrap is not installed (%s). Install the “bubblewrap” package to run "
                     "code locally, or choose the E2B cloud sandbox."), WF_BWRAP_PATH);
      return FALSE;
    }
  if (!g_file_test (python_path (), G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE,
                   _("Python was not found at %s. Install python3 with python3-numpy and "
                     "python3-pandas."), python_path ());
      return FALSE;
    }
  if (!g_file_test (runner, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE,
                   _("The job runner is missing (%s); reinstall What If."), runner);
      return FALSE;
    }
#if !WF_HAVE_SECCOMP
  g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE,
               _("What If was built without libseccomp, so the local sandbox cannot stop "
                 "programs from starting processes. Rebuild with libseccomp."));
  return FALSE;
#else
  return TRUE;
#endif
}

static WfRunResult *
wf_sandbox_bwrap_run (WfSandbox              *sandbox,
                      const WfJob            *job,
                      WfSandboxProgressFunc   progress,
                      gpointer                progress_data,
                      GCancellable           *cancellable,
                      GError                **error)
{
  WfSandboxBwrap *self = WF_SANDBOX_BWRAP (sandbox);

  if (job->language == NULL ||
      (!g_str_equal (job->language, "python") && !g_str_equal (job->language, "sql")))
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_INVALID,
                   _("Unknown job language “%s”"), job->language ? job->language : "");
      return NULL;
    }
  if (job->limits.wall_ms <= 0 || job->limits.cpu_ms <= 0 || job->limits.memory_bytes <= 0)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_INVALID,
                   _("The job’s limits must be positive"));
      return NULL;
    }
  if (!wf_sandbox_bwrap_is_available (sandbox, error))
    return NULL;

  if (job->kind == WF_JOB_IMPORT)
    return run_import (self, job, progress, progress_data, cancellable, error);
  if (job->workbook_path != NULL)
    {
      GStatBuf st;

      /* No workbook yet (nothing imported): wf.load() says so itself. */
      if (g_stat (job->workbook_path, &st) == 0 && S_ISREG (st.st_mode))
        {
          WorkbookPool *wp = get_workbook_pool (self, job->workbook_path, &st);
          WfRunResult *result = wf_zygote_pool_run (wp->pool, job, progress, progress_data,
                                                    cancellable, error);

          workbook_pool_unref (wp);
          return result;
        }
    }

  return wf_zygote_pool_run (get_pool (self), job, progress, progress_data, cancellable, error);
}

static void
wf_sandbox_bwrap_warm_up (WfSandbox *sandbox)
{
  WfSandboxBwrap *self = WF_SANDBOX_BWRAP (sandbox);

  if (!wf_sandbox_bwrap_is_available (sandbox, NULL))
    return;
  wf_zygote_pool_warm_up (get_pool (self));
}

static void
wf_sandbox_bwrap_iface_init (WfSandboxInterface *iface)
{
  iface->get_name = wf_sandbox_bwrap_get_name;
  iface->is_available = wf_sandbox_bwrap_is_available;
  iface->run = wf_sandbox_bwrap_run;
  iface->warm_up = wf_sandbox_bwrap_warm_up;
}

static void
wf_sandbox_bwrap_finalize (GObject *object)
{
  WfSandboxBwrap *self = WF_SANDBOX_BWRAP (object);

  g_clear_pointer (&self->pool, wf_zygote_pool_free);
  g_clear_pointer (&self->workbook, workbook_pool_unref);
  g_clear_pointer (&self->runner_dir, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (wf_sandbox_bwrap_parent_class)->finalize (object);
}

static void
wf_sandbox_bwrap_class_init (WfSandboxBwrapClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wf_sandbox_bwrap_finalize;
}

static void
wf_sandbox_bwrap_init (WfSandboxBwrap *self)
{
  g_mutex_init (&self->lock);
  self->max_concurrent = 2;
  self->max_jobs = 200;
}

WfSandbox *
wf_sandbox_bwrap_new_full (guint max_concurrent,
                           guint max_jobs)
{
  WfSandboxBwrap *self = g_object_new (WF_TYPE_SANDBOX_BWRAP, NULL);

  if (max_concurrent > 0)
    self->max_concurrent = max_concurrent;
  if (max_jobs > 0)
    self->max_jobs = max_jobs;
  return WF_SANDBOX (self);
}

WfSandbox *
wf_sandbox_bwrap_new_with_runner_dir (const char *runner_dir,
                                      guint       max_concurrent,
                                      guint       max_jobs)
{
  WfSandbox *sandbox;

  g_return_val_if_fail (runner_dir != NULL, NULL);

  sandbox = wf_sandbox_bwrap_new_full (max_concurrent, max_jobs);
  WF_SANDBOX_BWRAP (sandbox)->runner_dir = g_strdup (runner_dir);
  return sandbox;
}

WfSandbox *
wf_sandbox_bwrap_new (void)
{
  return wf_sandbox_bwrap_new_full (0, 0);
}

GPid
wf_sandbox_bwrap_get_zygote_pid (WfSandboxBwrap *self)
{
  g_return_val_if_fail (WF_IS_SANDBOX_BWRAP (self), 0);
  return self->pool ? wf_zygote_pool_get_pid (self->pool) : 0;
}

guint
wf_sandbox_bwrap_get_n_zygotes (WfSandboxBwrap *self)
{
  g_return_val_if_fail (WF_IS_SANDBOX_BWRAP (self), 0);
  return self->pool ? wf_zygote_pool_get_n_started (self->pool) : 0;
}
