/* wf-zygote.h: a pool of warm runner zygotes inside bubblewrap
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "wf-sandbox.h"

G_BEGIN_DECLS

typedef struct _WfZygotePool WfZygotePool;

typedef struct
{
  const char *bwrap;            /* path of bwrap */
  const char *python;           /* interpreter inside the sandbox */
  const char *runner_dir;       /* host dir with whatif_runner.py, mounted read-only */
  guint       max_concurrent;   /* jobs at once (default 2) */
  guint       max_jobs;         /* jobs per zygote before it is replaced (1 = cold) */
  /* Nullable: the workbook database, mounted at WF_RUNNER_WORKBOOK_MOUNT
   * (with its rollback journal), read-only unless workbook_writable. */
  const char *workbook_path;
  gboolean    workbook_writable;
  /* Nullable: an import job's CSV file, mounted read-only at WF_RUNNER_IMPORT_MOUNT. */
  const char *import_path;
} WfZygoteConfig;

WfZygotePool *wf_zygote_pool_new     (const WfZygoteConfig   *config);
void          wf_zygote_pool_free    (WfZygotePool           *pool);
/* Starts a zygote now if none is running; does not wait for it. */
void          wf_zygote_pool_warm_up (WfZygotePool           *pool);
/* Runs one job; blocks until it is done (at most its wall limit plus a few
 * seconds: a zygote that does not answer in time is killed). */
WfRunResult  *wf_zygote_pool_run     (WfZygotePool           *pool,
                                      const WfJob            *job,
                                      WfSandboxProgressFunc   progress,
                                      gpointer                progress_data,
                                      GCancellable           *cancellable,
                                      GError                **error);
/* The pid of the current zygote's bwrap, or 0 (for tests). */
GPid          wf_zygote_pool_get_pid (WfZygotePool           *pool);
/* How many zygotes have been started so far (for tests). */
guint         wf_zygote_pool_get_n_started (WfZygotePool     *pool);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfZygotePool, wf_zygote_pool_free)

G_END_DECLS
