/* wf-seccomp.h: seccomp filters for the bubblewrap backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define WF_SECCOMP_ERROR (wf_seccomp_error_quark ())
GQuark wf_seccomp_error_quark (void);

typedef enum
{
  WF_SECCOMP_ERROR_UNSUPPORTED,   /* built without libseccomp */
  WF_SECCOMP_ERROR_FAILED,
} WfSeccompError;

typedef enum
{
  /* Loaded by bwrap for the whole sandbox (the zygote and its per-job
   * supervisor): Flatpak's deny-list, but namespaces and mount stay allowed
   * because the per-job supervisor needs them. */
  WF_SECCOMP_SANDBOX,
  /* Loaded by the job process just before user code runs: everything above
   * plus unshare/setns/mount, process creation (threads still work) and exec. */
  WF_SECCOMP_JOB,
} WfSeccompProfile;

/* A memfd holding the compiled BPF program, positioned at offset 0, or -1. */
int wf_seccomp_export (WfSeccompProfile   profile,
                       GError           **error);

G_END_DECLS
