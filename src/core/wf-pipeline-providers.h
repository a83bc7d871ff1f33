/* wf-pipeline-providers.h: the model providers by name
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Kept apart from wf-pipeline.c so the core loop does not depend on the
 * HTTP layer's headers.
 */
#pragma once

#include "wf-llm-provider.h"

G_BEGIN_DECLS

/* offline | openrouter | cohere | local (default base URLs); NULL for other names. */
WfLlmProvider *wf_pipeline_provider_new          (const char *name);
/* base_url: nullable, the provider's environment variable or default. */
WfLlmProvider *wf_pipeline_provider_new_with_url (const char *name,
                                                  const char *base_url);

/* The provider a question goes to for the "provider" setting: NULL, "" or
 * "auto" mean openrouter when an OpenRouter key is set (keyring or
 * OPENROUTER_API_KEY), else offline; any other name is returned as it is.
 * The one place the CLI and the app resolve "auto". (transfer full) */
char          *wf_pipeline_resolve_provider      (const char *setting);

G_END_DECLS
