/* wf-provider-cohere.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-provider-cohere"

#include "config.h"

#include "wf-provider-cohere.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Cohere v2 chat: content blocks, upper-case finish reasons, billed units,
 * and its own stream event types (message-start … message-end). */

static JsonNode *
cohere_build_body (const char             *model,
                   GPtrArray              *messages,
                   const WfGenerateParams *params,
                   gboolean                include_usage)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  wf_chat_add_common_members (builder, model, messages, params);
  json_builder_set_member_name (builder, "temperature");
  json_builder_add_double_value (builder, CLAMP (params->temperature, 0.0, 1.0));
  json_builder_set_member_name (builder, "stream");
  json_builder_add_boolean_value (builder, params->stream);
  if (params->json_mode)
    {
      json_builder_set_member_name (builder, "response_format");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "json_object");
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
cohere_take_usage (WfChatStream *state,
                   JsonObject   *usage)
{
  JsonObject *billed = wf_json_get_object (usage, "billed_units");
  JsonObject *tokens = wf_json_get_object (usage, "tokens");
  gint64 in = 0, out = 0;

  /* Billed units are what the account pays for; raw tokens only when the
   * billed ones are missing. Cohere never reports money. */
  if ((wf_json_get_int (billed, "input_tokens", &in) && wf_json_get_int (billed, "output_tokens", &out))
      || (wf_json_get_int (tokens, "input_tokens", &in) && wf_json_get_int (tokens, "output_tokens", &out)))
    {
      state->result->input_tokens = in;
      state->result->output_tokens = out;
      state->result->has_usage = TRUE;
    }
}

static gboolean
cohere_check_finish (WfChatStream  *state,
                     const char    *finish,
                     const char    *error_text,
                     GError       **error)
{
  if (finish == NULL)
    return TRUE;
  g_free (state->result->finish_reason);
  state->result->finish_reason = g_strdup (finish);
  if (strcmp (finish, "ERROR") == 0)
    {
      g_propagate_error (error, wf_http_error_for_status (state->service, 500, error_text, FALSE));
      g_prefix_error (error, _("The answer broke off: "));
      return FALSE;
    }
  if (strcmp (finish, "TIMEOUT") == 0)
    {
      g_set_error (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_TIMEOUT,
                   _("%s ran out of time while writing the answer."), state->service);
      return FALSE;
    }

  return TRUE;
}

static gboolean
cohere_parse_response (WfChatStream  *state,
                       JsonNode      *root,
                       GError       **error)
{
  JsonObject *object;
  JsonObject *message;
  JsonArray *content;
  gboolean had_thinking = FALSE;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_MALFORMED,
                   _("%s sent a response that is not a JSON object."), state->service);
      return FALSE;
    }
  object = json_node_get_object (root);
  message = wf_json_get_object (object, "message");
  if (message == NULL || wf_json_get_string (object, "finish_reason") == NULL)
    {
      g_autofree char *text = wf_http_dup_server_message (root);

      g_set_error (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_MALFORMED,
                   _("%s sent a response without a message%s%s."), state->service,
                   text ? ": " : "", text ? text : "");
      return FALSE;
    }
  if (wf_json_get_string (object, "id") != NULL)
    state->result->generation_id = g_strdup (wf_json_get_string (object, "id"));
  cohere_take_usage (state, wf_json_get_object (object, "usage"));
  if (!cohere_check_finish (state, wf_json_get_string (object, "finish_reason"), NULL, error))
    return FALSE;

  /* Only "text" blocks are the answer; "thinking" blocks come first on
   * reasoning models and are not. */
  content = wf_json_get_array (message, "content");
  for (guint i = 0; content && i < json_array_get_length (content); i++)
    {
      JsonNode *node = json_array_get_element (content, i);
      JsonObject *block = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *type = wf_json_get_string (block, "type");

      if (g_strcmp0 (type, "text") == 0 && wf_json_get_string (block, "text"))
        g_string_append (state->text, wf_json_get_string (block, "text"));
      else if (g_strcmp0 (type, "thinking") == 0)
        had_thinking = TRUE;
    }

  if (state->text->len == 0)
    {
      if (had_thinking)
        g_set_error (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_MALFORMED,
                     _("%s sent only its reasoning and no answer."), state->service);
      else
        g_propagate_error (error, wf_chat_empty_answer_error (state->service,
                                                              state->result->finish_reason));
      return FALSE;
    }

  return TRUE;
}

static gboolean
cohere_stream_event (WfChatStream  *state,
                     const char    *event,
                     JsonObject    *data,
                     GError       **error)
{
  const char *type = wf_json_get_string (data, "type");
  JsonObject *delta = wf_json_get_object (data, "delta");

  if (type == NULL)
    type = event;
  if (g_strcmp0 (type, "message-start") == 0)
    {
      if (wf_json_get_string (data, "id") != NULL && state->result->generation_id == NULL)
        state->result->generation_id = g_strdup (wf_json_get_string (data, "id"));
    }
  else if (g_strcmp0 (type, "content-delta") == 0)
    {
      JsonObject *content = wf_json_get_object (wf_json_get_object (delta, "message"), "content");
      const char *text = wf_json_get_string (content, "text");

      if (text != NULL && *text != '\0')
        {
          g_string_append (state->text, text);
          if (state->on_delta)
            state->on_delta (text, state->on_delta_data);
        }
    }
  else if (g_strcmp0 (type, "message-end") == 0)
    {
      state->ended = TRUE;
      cohere_take_usage (state, wf_json_get_object (delta, "usage"));
      if (!cohere_check_finish (state, wf_json_get_string (delta, "finish_reason"),
                                wf_json_get_string (delta, "error"), error))
        return FALSE;
    }
  /* content-start/-end, tool and citation events, debug: nothing to take. */

  return TRUE;
}

static gboolean
cohere_stream_end (WfChatStream          *state,
                   const WfHttpResponse  *response,
                   GError               **error)
{
  /* The spec ends with [DONE]; message-end alone is accepted too, since
   * third-party servers differ. Neither means the stream was cut. */
  if (!state->ended && !response->sse_done)
    {
      g_set_error (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_MALFORMED,
                   _("The answer from %s stopped before it was complete (no message-end)."),
                   state->service);
      return FALSE;
    }
  if (state->text->len == 0)
    {
      g_propagate_error (error, wf_chat_empty_answer_error (state->service,
                                                            state->result->finish_reason));
      return FALSE;
    }

  return TRUE;
}

const WfChatWire wf_chat_wire_cohere = {
  cohere_build_body,
  cohere_parse_response,
  cohere_stream_event,
  cohere_stream_end,
};

struct _WfProviderCohere
{
  GObject       parent_instance;
  char         *base_url;
  WfHttpLimits  limits;
};

static void wf_provider_cohere_iface_init (WfLlmProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WfProviderCohere, wf_provider_cohere, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (WF_TYPE_LLM_PROVIDER,
                                                      wf_provider_cohere_iface_init))

static void
wf_provider_cohere_finalize (GObject *object)
{
  WfProviderCohere *self = WF_PROVIDER_COHERE (object);

  g_free (self->base_url);

  G_OBJECT_CLASS (wf_provider_cohere_parent_class)->finalize (object);
}

static void
wf_provider_cohere_class_init (WfProviderCohereClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wf_provider_cohere_finalize;
}

static void
wf_provider_cohere_init (WfProviderCohere *self)
{
  wf_http_limits_init (&self->limits);
}

static const char *
cohere_get_name (WfLlmProvider *provider)
{
  return "cohere";
}

static gboolean
cohere_is_free (WfLlmProvider *provider)
{
  return FALSE;
}

static gboolean
cohere_is_configured (WfLlmProvider *provider)
{
  g_autoptr(GError) error = NULL;
  char *key = wf_secrets_lookup_sync (WF_SECRET_COHERE, NULL, &error);
  gboolean ret = key != NULL;

  wf_secrets_value_free (key);
  return ret;
}

static void
cohere_generate_async (WfLlmProvider          *provider,
                           GPtrArray              *messages,
                           const WfGenerateParams *params,
                           GCancellable           *cancellable,
                           GAsyncReadyCallback     callback,
                           gpointer                user_data)
{
  WfProviderCohere *self = WF_PROVIDER_COHERE (provider);
  static const char * const headers[] = {
    "X-Client-Name", "whatif",
    NULL
  };
  g_autofree char *url = g_strconcat (self->base_url, "/v2/chat", NULL);
  WfChatEndpoint endpoint = {
    .service = "Cohere",
    .wire = &wf_chat_wire_cohere,
    .url = url,
    .needs_key = TRUE,
    .key_kind = WF_SECRET_COHERE,
    .extra_headers = headers,
    .default_model = WF_COHERE_DEFAULT_MODEL,
    .limits = &self->limits,
  };

  wf_chat_call_async (&endpoint, messages, params, cancellable, callback, user_data);
}

static WfGenerateResult *
cohere_generate_finish (WfLlmProvider  *provider,
                            GAsyncResult   *result,
                            GError        **error)
{
  return wf_chat_call_finish (result, error);
}

static void
wf_provider_cohere_iface_init (WfLlmProviderInterface *iface)
{
  iface->get_name = cohere_get_name;
  iface->is_free = cohere_is_free;
  iface->is_configured = cohere_is_configured;
  iface->generate_async = cohere_generate_async;
  iface->generate_finish = cohere_generate_finish;
}

WfProviderCohere *
wf_provider_cohere_new (const char *base_url)
{
  WfProviderCohere *self = g_object_new (WF_TYPE_PROVIDER_COHERE, NULL);

  self->base_url = base_url && *base_url
    ? wf_provider_dup_base_url (NULL, base_url)
    : wf_provider_dup_base_url ("WHATIF_COHERE_URL", WF_COHERE_DEFAULT_URL);

  return self;
}

const char *
wf_provider_cohere_get_base_url (WfProviderCohere *self)
{
  g_return_val_if_fail (WF_IS_PROVIDER_COHERE (self), NULL);

  return self->base_url;
}

void
wf_provider_cohere_set_limits (WfProviderCohere *self,
                                   const WfHttpLimits   *limits)
{
  g_return_if_fail (WF_IS_PROVIDER_COHERE (self));
  g_return_if_fail (limits != NULL);

  self->limits = *limits;
}
