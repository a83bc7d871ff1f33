/* wf-sandbox-bwrap.h: the bubblewrap backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "wf-sandbox.h"

G_BEGIN_DECLS

#define WF_TYPE_SANDBOX_BWRAP (wf_sandbox_bwrap_get_type ())
G_DECLARE_FINAL_TYPE (WfSandboxBwrap, wf_sandbox_bwrap, WF, SANDBOX_BWRAP, GObject)

/* max_concurrent: jobs at once (0 = 2); max_jobs: jobs per zygote before it is
 * replaced (0 = 200; 1 gives a cold sandbox per job). */
WfSandbox *wf_sandbox_bwrap_new      (void);
WfSandbox *wf_sandbox_bwrap_new_full (guint max_concurrent,
                                      guint max_jobs);
/* A runner directory other than wf_sandbox_get_runner_dir () (tests). */
WfSandbox *wf_sandbox_bwrap_new_with_runner_dir (const char *runner_dir,
                                                 guint       max_concurrent,
                                                 guint       max_jobs);
/* For tests: the current zygote's bwrap pid (0 if none) and how many
 * zygotes were started. */
GPid       wf_sandbox_bwrap_get_zygote_pid (WfSandboxBwrap *self);
guint      wf_sandbox_bwrap_get_n_zygotes  (WfSandboxBwrap *self);

G_END_DECLS
