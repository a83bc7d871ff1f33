/* wf-provider-local.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-provider-local"

#include "config.h"

#include "wf-provider-local.h"

#include "wf-provider-common.h"

#include <glib/gi18n-lib.h>

struct _WfProviderLocal
{
  GObject       parent_instance;
  char         *base_url;
  WfHttpLimits  limits;
};

static void wf_provider_local_iface_init (WfLlmProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WfProviderLocal, wf_provider_local, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (WF_TYPE_LLM_PROVIDER,
                                                      wf_provider_local_iface_init))

static void
wf_provider_local_finalize (GObject *object)
{
  WfProviderLocal *self = WF_PROVIDER_LOCAL (object);

  g_free (self->base_url);

  G_OBJECT_CLASS (wf_provider_local_parent_class)->finalize (object);
}

static void
wf_provider_local_class_init (WfProviderLocalClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wf_provider_local_finalize;
}

static void
wf_provider_local_init (WfProviderLocal *self)
{
  wf_http_limits_init (&self->limits);
}

static const char *
local_get_name (WfLlmProvider *provider)
{
  return "local";
}

/* A model on the user's own machine costs nothing per token. */
static gboolean
local_is_free (WfLlmProvider *provider)
{
  return TRUE;
}

/* No key is needed; an address is always set (the default is Ollama's). */
static gboolean
local_is_configured (WfLlmProvider *provider)
{
  return WF_PROVIDER_LOCAL (provider)->base_url != NULL;
}

static void
local_generate_async (WfLlmProvider          *provider,
                           GPtrArray              *messages,
                           const WfGenerateParams *params,
                           GCancellable           *cancellable,
                           GAsyncReadyCallback     callback,
                           gpointer                user_data)
{
  WfProviderLocal *self = WF_PROVIDER_LOCAL (provider);
  g_autofree char *url = g_strconcat (self->base_url, "/chat/completions", NULL);
  WfChatEndpoint endpoint = {
    .service = _("Local model server"),
    .wire = &wf_chat_wire_openai,
    .url = url,
    .needs_key = FALSE,
    .default_model = WF_LOCAL_DEFAULT_MODEL,
    .include_usage = TRUE,    /* Ollama streams usage only when asked */
    .limits = &self->limits,
  };

  wf_chat_call_async (&endpoint, messages, params, cancellable, callback, user_data);
}

static WfGenerateResult *
local_generate_finish (WfLlmProvider  *provider,
                            GAsyncResult   *result,
                            GError        **error)
{
  return wf_chat_call_finish (result, error);
}

static void
wf_provider_local_iface_init (WfLlmProviderInterface *iface)
{
  iface->get_name = local_get_name;
  iface->is_free = local_is_free;
  iface->is_configured = local_is_configured;
  iface->generate_async = local_generate_async;
  iface->generate_finish = local_generate_finish;
}

WfProviderLocal *
wf_provider_local_new (const char *base_url)
{
  WfProviderLocal *self = g_object_new (WF_TYPE_PROVIDER_LOCAL, NULL);

  self->base_url = base_url && *base_url
    ? wf_provider_dup_base_url (NULL, base_url)
    : wf_provider_dup_base_url ("WHATIF_LOCAL_URL", WF_LOCAL_DEFAULT_URL);

  return self;
}

const char *
wf_provider_local_get_base_url (WfProviderLocal *self)
{
  g_return_val_if_fail (WF_IS_PROVIDER_LOCAL (self), NULL);

  return self->base_url;
}

void
wf_provider_local_set_limits (WfProviderLocal *self,
                                   const WfHttpLimits   *limits)
{
  g_return_if_fail (WF_IS_PROVIDER_LOCAL (self));
  g_return_if_fail (limits != NULL);

  self->limits = *limits;
}
