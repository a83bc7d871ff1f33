/* wf-provider-openrouter.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-provider-openrouter"

#include "config.h"

#include "wf-provider-openrouter.h"

#include "wf-provider-common.h"

struct _WfProviderOpenrouter
{
  GObject       parent_instance;
  char         *base_url;
  WfHttpLimits  limits;
};

static void wf_provider_openrouter_iface_init (WfLlmProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WfProviderOpenrouter, wf_provider_openrouter, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (WF_TYPE_LLM_PROVIDER,
                                                      wf_provider_openrouter_iface_init))

static void
wf_provider_openrouter_finalize (GObject *object)
{
  WfProviderOpenrouter *self = WF_PROVIDER_OPENROUTER (object);

  g_free (self->base_url);

  G_OBJECT_CLASS (wf_provider_openrouter_parent_class)->finalize (object);
}

static void
wf_provider_openrouter_class_init (WfProviderOpenrouterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wf_provider_openrouter_finalize;
}

static void
wf_provider_openrouter_init (WfProviderOpenrouter *self)
{
  wf_http_limits_init (&self->limits);
}

static const char *
openrouter_get_name (WfLlmProvider *provider)
{
  return "openrouter";
}

static gboolean
openrouter_is_free (WfLlmProvider *provider)
{
  return FALSE;
}

static gboolean
openrouter_is_configured (WfLlmProvider *provider)
{
  g_autoptr(GError) error = NULL;
  char *key = wf_secrets_lookup_sync (WF_SECRET_OPENROUTER, NULL, &error);
  gboolean ret = key != NULL;

  wf_secrets_value_free (key);
  return ret;
}

static void
openrouter_generate_async (WfLlmProvider          *provider,
                           GPtrArray              *messages,
                           const WfGenerateParams *params,
                           GCancellable           *cancellable,
                           GAsyncReadyCallback     callback,
                           gpointer                user_data)
{
  WfProviderOpenrouter *self = WF_PROVIDER_OPENROUTER (provider);
  static const char * const headers[] = {
    "HTTP-Referer", WF_OPENROUTER_REFERER,
    "X-OpenRouter-Title", WF_OPENROUTER_TITLE,
    "X-Title", WF_OPENROUTER_TITLE,
    NULL
  };
  g_autofree char *url = g_strconcat (self->base_url, "/chat/completions", NULL);
  WfChatEndpoint endpoint = {
    .service = "OpenRouter",
    .wire = &wf_chat_wire_openai,
    .url = url,
    .needs_key = TRUE,
    .key_kind = WF_SECRET_OPENROUTER,
    .extra_headers = headers,
    .default_model = WF_OPENROUTER_DEFAULT_MODEL,
    .include_usage = FALSE,   /* deprecated there: usage always comes */
    .limits = &self->limits,
  };

  wf_chat_call_async (&endpoint, messages, params, cancellable, callback, user_data);
}

static WfGenerateResult *
openrouter_generate_finish (WfLlmProvider  *provider,
                            GAsyncResult   *result,
                            GError        **error)
{
  return wf_chat_call_finish (result, error);
}

static void
wf_provider_openrouter_iface_init (WfLlmProviderInterface *iface)
{
  iface->get_name = openrouter_get_name;
  iface->is_free = openrouter_is_free;
  iface->is_configured = openrouter_is_configured;
  iface->generate_async = openrouter_generate_async;
  iface->generate_finish = openrouter_generate_finish;
}

WfProviderOpenrouter *
wf_provider_openrouter_new (const char *base_url)
{
  WfProviderOpenrouter *self = g_object_new (WF_TYPE_PROVIDER_OPENROUTER, NULL);

  self->base_url = base_url && *base_url
    ? wf_provider_dup_base_url (NULL, base_url)
    : wf_provider_dup_base_url ("WHATIF_OPENROUTER_URL", WF_OPENROUTER_DEFAULT_URL);

  return self;
}

const char *
wf_provider_openrouter_get_base_url (WfProviderOpenrouter *self)
{
  g_return_val_if_fail (WF_IS_PROVIDER_OPENROUTER (self), NULL);

  return self->base_url;
}

void
wf_provider_openrouter_set_limits (WfProviderOpenrouter *self,
                                   const WfHttpLimits   *limits)
{
  g_return_if_fail (WF_IS_PROVIDER_OPENROUTER (self));
  g_return_if_fail (limits != NULL);

  self->limits = *limits;
}
