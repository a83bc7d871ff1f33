/* wf-llm-provider.c: interface dispatch and the shared value types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-llm-provider"

#include "config.h"

#include <string.h>

#include "wf-llm-provider.h"

G_DEFINE_QUARK (wf-provider-error-quark, wf_provider_error)
G_DEFINE_INTERFACE (WfLlmProvider, wf_llm_provider, G_TYPE_OBJECT)

static void
wf_llm_provider_default_init (WfLlmProviderInterface *iface)
{
}

WfChatMessage *
wf_chat_message_new (const char *role,
                     const char *content)
{
  WfChatMessage *message = g_new0 (WfChatMessage, 1);

  message->role = g_strdup (role ? role : "user");
  message->content = g_strdup (content ? content : "");

  return message;
}

void
wf_chat_message_free (WfChatMessage *message)
{
  if (message == NULL)
    return;

  g_free (message->role);
  g_free (message->content);
  g_free (message);
}

void
wf_generate_params_init (WfGenerateParams *params)
{
  g_return_if_fail (params != NULL);

  memset (params, 0, sizeof *params);
  params->max_tokens = 2048;
  params->temperature = 0.0;
}

void
wf_generate_params_clear (WfGenerateParams *params)
{
  g_return_if_fail (params != NULL);

  g_clear_pointer (&params->model, g_free);
}

WfGenerateResult *
wf_generate_result_new (void)
{
  return g_new0 (WfGenerateResult, 1);
}

void
wf_generate_result_free (WfGenerateResult *result)
{
  if (result == NULL)
    return;

  g_free (result->text);
  g_free (result->model);
  g_free (result->finish_reason);
  g_free (result->generation_id);
  g_free (result);
}

const char *
wf_llm_provider_get_name (WfLlmProvider *self)
{
  g_return_val_if_fail (WF_IS_LLM_PROVIDER (self), NULL);

  return WF_LLM_PROVIDER_GET_IFACE (self)->get_name (self);
}

gboolean
wf_llm_provider_is_free (WfLlmProvider *self)
{
  g_return_val_if_fail (WF_IS_LLM_PROVIDER (self), FALSE);

  return WF_LLM_PROVIDER_GET_IFACE (self)->is_free (self);
}

gboolean
wf_llm_provider_is_configured (WfLlmProvider *self)
{
  g_return_val_if_fail (WF_IS_LLM_PROVIDER (self), FALSE);

  return WF_LLM_PROVIDER_GET_IFACE (self)->is_configured (self);
}

void
wf_llm_provider_generate_async (WfLlmProvider          *self,
                                GPtrArray              *messages,
                                const WfGenerateParams *params,
                                GCancellable           *cancellable,
                                GAsyncReadyCallback     callback,
                                gpointer                user_data)
{
  g_return_if_fail (WF_IS_LLM_PROVIDER (self));
  g_return_if_fail (messages != NULL);
  g_return_if_fail (params != NULL);

  WF_LLM_PROVIDER_GET_IFACE (self)->generate_async (self, messages, params, cancellable,
                                                    callback, user_data);
}

WfGenerateResult *
wf_llm_provider_generate_finish (WfLlmProvider  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (WF_IS_LLM_PROVIDER (self), NULL);

  return WF_LLM_PROVIDER_GET_IFACE (self)->generate_finish (self, result, error);
}

static void
generate_sync_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

WfGenerateResult *
wf_llm_provider_generate (WfLlmProvider          *self,
                          GPtrArray              *messages,
                          const WfGenerateParams *params,
                          GCancellable           *cancellable,
                          GError                **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;
  WfGenerateResult *ret;

  g_return_val_if_fail (WF_IS_LLM_PROVIDER (self), NULL);

  g_main_context_push_thread_default (context);
  wf_llm_provider_generate_async (self, messages, params, cancellable,
                                  generate_sync_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  ret = wf_llm_provider_generate_finish (self, result, error);
  g_main_context_pop_thread_default (context);

  return ret;
}
