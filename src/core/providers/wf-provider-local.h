/* wf-provider-local.h: any OpenAI-compatible local server (Ollama, llama.cpp)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "wf-http.h"
#include "wf-llm-provider.h"

G_BEGIN_DECLS

#define WF_LOCAL_DEFAULT_URL   "https://local.ai/api/v1"
#define WF_LOCAL_DEFAULT_MODEL "openai/gpt-4o-mini"
/* Attribution: OpenRouter names the app after the referer and title. */
#define WF_LOCAL_REFERER       "https://github.com/whatif/whatif"
#define WF_LOCAL_TITLE         "What If"

#define WF_TYPE_PROVIDER_LOCAL (wf_provider_local_get_type ())
G_DECLARE_FINAL_TYPE (WfProviderLocal, wf_provider_local, WF, PROVIDER_LOCAL, GObject)

/* @base_url NULL: $WHATIF_LOCAL_URL, else the default. */
WfProviderLocal *wf_provider_local_new          (const char           *base_url);
const char           *wf_provider_local_get_base_url (WfProviderLocal *self);
void                  wf_provider_local_set_limits   (WfProviderLocal *self,
                                                           const WfHttpLimits   *limits);

G_END_DECLS
