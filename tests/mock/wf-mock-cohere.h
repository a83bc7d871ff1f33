/* wf-mock-cohere.h: Cohere v2 chat mock (POST /v2/chat)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "wf-mock-llm.h"

G_BEGIN_DECLS

/* Base URL for the client: the server URL itself. */
WfMockLlm *wf_mock_cohere_install (WfMockServer *server);

G_END_DECLS
