/* wf-provider-openrouter.h: OpenRouter chat completions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "wf-http.h"
#include "wf-llm-provider.h"

G_BEGIN_DECLS

#define WF_OPENROUTER_DEFAULT_URL   "https://openrouter.ai/api/v1"
#define WF_OPENROUTER_DEFAULT_MODEL "openai/gpt-4o-mini"
/* Attribution: OpenRouter names the app after the referer and title. */
#define WF_OPENROUTER_REFERER       "https://github.com/whatif/whatif"
#define WF_OPENROUTER_TITLE         "What If"

#define WF_TYPE_PROVIDER_OPENROUTER (wf_provider_openrouter_get_type ())
G_DECLARE_FINAL_TYPE (WfProviderOpenrouter, wf_provider_openrouter, WF, PROVIDER_OPENROUTER, GObject)

/* @base_url NULL: $WHATIF_OPENROUTER_URL, else the default. */
WfProviderOpenrouter *wf_provider_openrouter_new          (const char           *base_url);
const char           *wf_provider_openrouter_get_base_url (WfProviderOpenrouter *self);
void                  wf_provider_openrouter_set_limits   (WfProviderOpenrouter *self,
                                                           const WfHttpLimits   *limits);

G_END_DECLS
