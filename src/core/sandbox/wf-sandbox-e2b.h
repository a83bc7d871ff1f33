/* wf-sandbox-e2b.h: the E2B cloud sandbox backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "wf-sandbox.h"

G_BEGIN_DECLS

#define WF_TYPE_SANDBOX_E2B (wf_sandbox_e2b_get_type ())
G_DECLARE_FINAL_TYPE (WfSandboxE2b, wf_sandbox_e2b, WF, SANDBOX_E2B, GObject)

/* The API base URL comes from $WHATIF_E2B_URL (else https://api.e2b.app), the
 * code-execution base URL from $WHATIF_E2B_SANDBOX_URL (else
 * https://49999-<sandbox id>.<domain>). */
WfSandbox *wf_sandbox_e2b_new (void);

G_END_DECLS
