/* wf-provider-cohere.h: Cohere v2 chat
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "wf-http.h"
#include "wf-llm-provider.h"

G_BEGIN_DECLS

#define WF_COHERE_DEFAULT_URL   "https://cohere.ai/api/v1"
#define WF_COHERE_DEFAULT_MODEL "openai/gpt-4o-mini"
/* Attribution: OpenRouter names the app after the referer and title. */
#define WF_COHERE_REFERER       "https://github.com/whatif/whatif"
#define WF_COHERE_TITLE         "What If"

#define WF_TYPE_PROVIDER_COHERE (wf_provider_cohere_get_type ())
G_DECLARE_FINAL_TYPE (WfProviderCohere, wf_provider_cohere, WF, PROVIDER_COHERE, GObject)

/* @base_url NULL: $WHATIF_COHERE_URL, else the default. */
WfProviderCohere *wf_provider_cohere_new          (const char           *base_url);
const char           *wf_provider_cohere_get_base_url (WfProviderCohere *self);
void                  wf_provider_cohere_set_limits   (WfProviderCohere *self,
                                                           const WfHttpLimits   *limits);

/* The Cohere v2 wire format, for tests. */
#include "wf-provider-common.h"
extern const WfChatWire wf_chat_wire_cohere;

G_END_DECLS
