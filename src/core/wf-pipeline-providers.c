/* wf-pipeline-providers.c: the model providers by name
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-pipeline"

#include "config.h"

#include "wf-pipeline-providers.h"
#include "providers/wf-provider-cohere.h"
#include "providers/wf-provider-local.h"
#include "providers/wf-provider-offline.h"
#include "providers/wf-provider-openrouter.h"

WfLlmProvider *
wf_pipeline_provider_new_with_url (const char *name,
                                   const char *base_url)
{
  g_return_val_if_fail (name != NULL, NULL);
  if (g_str_equal (name, "offline"))
    return WF_LLM_PROVIDER (wf_provider_offline_new ());
  if (g_str_equal (name, "openrouter"))
    return WF_LLM_PROVIDER (wf_provider_openrouter_new (base_url));
  if (g_str_equal (name, "cohere"))
    return WF_LLM_PROVIDER (wf_provider_cohere_new (base_url));
  if (g_str_equal (name, "local"))
    return WF_LLM_PROVIDER (wf_provider_local_new (base_url));
  return NULL;
}

WfLlmProvider *
wf_pipeline_provider_new (const char *name)
{
  return wf_pipeline_provider_new_with_url (name, NULL);
}
