/* wf-pipeline-providers.c: the model providers by name
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-pipeline"

#include "config.h"

#include "wf-pipeline-providers.h"
#include "wf-secrets.h"
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

char *
wf_pipeline_resolve_provider (const char *setting)
{
  g_autoptr(GError) error = NULL;
  char *key;
  gboolean have_key;

  if (setting != NULL && *setting != '\0' && !g_str_equal (setting, "auto"))
    return g_strdup (setting);
  /* The environment first, then the keyring; a keyring that cannot be
   * reached means no key, never an error: offline always works. */
  key = wf_secrets_lookup_sync (WF_SECRET_OPENROUTER, NULL, &error);
  have_key = key != NULL;
  wf_secrets_value_free (key);
  if (error != NULL)
    g_debug ("no OpenRouter key from the keyring: %s", error->message);
  return g_strdup (have_key ? "openrouter" : "offline");
}
