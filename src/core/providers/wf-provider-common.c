/* wf-provider-common.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-provider"

#include "config.h"

#include "wf-provider-common.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define MAX_MESSAGES 256

char *
wf_provider_dup_base_url (const char *env_var,
                          const char *fallback)
{
  const char *env = env_var ? g_getenv (env_var) : NULL;
  char *url = g_strdup (env && *env ? env : fallback);
  gsize len = strlen (url);

  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';

  return url;
}

GError *
wf_chat_error_from_object (const char *service,
                           JsonObject *error_object,
                           guint       fallback_status)
{
  g_autoptr(JsonNode) wrapper = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) holder = json_object_new ();
  g_autofree char *message = NULL;
  JsonObject *meta = wf_json_get_object (error_object, "metadata");
  const char *error_type = wf_json_get_string (meta, "error_type");
  gint64 code = 0;
  guint status = fallback_status;

  json_object_set_object_member (holder, "error", json_object_ref (error_object));
  json_node_set_object (wrapper, holder);
  message = wf_http_dup_server_message (wrapper);

  if (wf_json_get_int (error_object, "code", &code) && code >= 400 && code < 600)
    status = (guint) code;
  else if (g_strcmp0 (error_type, "rate_limit_exceeded") == 0)
    status = 429;
  else if (g_strcmp0 (error_type, "payment_required") == 0)
    status = 402;

  return wf_http_error_for_status (service, status, message,
                                   meta != NULL && (json_object_has_member (meta, "reasons")
                                                    || json_object_has_member (meta, "flagged_input")));
}

GError *
wf_chat_empty_answer_error (const char *service,
                            const char *finish_reason)
{
  if (finish_reason != NULL)
    return g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_MALFORMED,
                        _("%s sent an empty answer (it stopped with “%s”)."),
                        service, finish_reason);
  return g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_MALFORMED,
                      _("%s sent an empty answer."), service);
}

/* The members every chat wire format shares: model, messages (role and
 * content) and max_tokens. The caller has begun the object. */
void
wf_chat_add_common_members (JsonBuilder            *builder,
                            const char             *model,
                            GPtrArray              *messages,
                            const WfGenerateParams *params)
{
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model);
  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < messages->len; i++)
    {
      WfChatMessage *message = g_ptr_array_index (messages, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, message->role);
      json_builder_set_member_name (builder, "content");
      json_builder_add_string_value (builder, message->content);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (params->max_tokens > 0)
    {
      json_builder_set_member_name (builder, "max_tokens");
      json_builder_add_int_value (builder, params->max_tokens);
    }
}

/* OpenAI chat completions: OpenRouter, Ollama /v1, llama.cpp */

static JsonNode *
openai_build_body (const char             *model,
                   GPtrArray              *messages,
                   const WfGenerateParams *params,
                   gboolean                include_usage)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  wf_chat_add_common_members (builder, model, messages, params);
  json_builder_set_member_name (builder, "temperature");
  json_builder_add_double_value (builder, params->temperature);
  json_builder_set_member_name (builder, "stream");
  json_builder_add_boolean_value (builder, params->stream);
  if (params->stream && include_usage)
    {
      json_builder_set_member_name (builder, "stream_options");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "include_usage");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
    }
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
openai_take_usage (WfChatStream *state,
                   JsonObject   *object)
{
  JsonObject *usage = wf_json_get_object (object, "usage");
  gint64 in = 0, out = 0;
  double cost;

  if (usage == NULL)
    return;
  if (wf_json_get_int (usage, "prompt_tokens", &in)
      && wf_json_get_int (usage, "completion_tokens", &out))
    {
      state->result->input_tokens = in;
      state->result->output_tokens = out;
      state->result->has_usage = TRUE;
    }
  /* OpenRouter's actual charge in USD credits; never negative. */
  if (wf_http_json_get_double (usage, "cost", &cost) && cost >= 0)
    {
      state->result->reported_cost_usd = cost;
      state->result->has_reported_cost = TRUE;
    }
}

static void
openai_take_meta (WfChatStream *state,
                  JsonObject   *object)
{
  const char *model = wf_json_get_string (object, "model");
  const char *id = wf_json_get_string (object, "id");

  if (model != NULL && state->result->model == NULL)
    state->result->model = g_strdup (model);
  if (id != NULL && state->result->generation_id == NULL)
    state->result->generation_id = g_strdup (id);
}

static gboolean
openai_check_finish (WfChatStream  *state,
                     JsonObject    *choice,
                     GError       **error)
{
  const char *finish = wf_json_get_string (choice, "finish_reason");
  JsonObject *choice_error = wf_json_get_object (choice, "error");

  if (choice_error != NULL)
    {
      g_propagate_error (error, wf_chat_error_from_object (state->service, choice_error, 502));
      return FALSE;
    }
  if (finish == NULL)
    return TRUE;
  g_free (state->result->finish_reason);
  state->result->finish_reason = g_strdup (finish);
  if (strcmp (finish, "content_filter") == 0)
    {
      g_set_error (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_FILTERED,
                   _("%s stopped the answer with its content filter."), state->service);
      return FALSE;
    }
  if (strcmp (finish, "error") == 0)
    {
      g_set_error (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_OVERLOADED,
                   _("%s reported an error while writing the answer."), state->service);
      return FALSE;
    }

  return TRUE;
}

static gboolean
openai_parse_response (WfChatStream  *state,
                       JsonNode      *root,
                       GError       **error)
{
  JsonObject *object;
  JsonObject *error_object;
  JsonArray *choices;
  JsonObject *choice = NULL;
  JsonObject *message;
  const char *content;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_MALFORMED,
                   _("%s sent a response that is not a JSON object."), state->service);
      return FALSE;
    }
  object = json_node_get_object (root);

  /* An error delivered inside a 200 (OpenRouter, Ollama) is an error. */
  if ((error_object = wf_json_get_object (object, "error")) != NULL)
    {
      g_propagate_error (error, wf_chat_error_from_object (state->service, error_object, 502));
      return FALSE;
    }
  if (wf_json_get_string (object, "error") != NULL)
    {
      g_propagate_error (error, wf_http_error_for_status (state->service, 502,
                                                          wf_json_get_string (object, "error"),
                                                          FALSE));
      return FALSE;
    }

  openai_take_meta (state, object);
  openai_take_usage (state, object);

  choices = wf_json_get_array (object, "choices");
  if (choices != NULL && json_array_get_length (choices) > 0)
    {
      JsonNode *node = json_array_get_element (choices, 0);

      if (JSON_NODE_HOLDS_OBJECT (node))
        choice = json_node_get_object (node);
    }
  if (choice == NULL)
    {
      g_set_error (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_MALFORMED,
                   _("%s answered without any choices; there is no text to use."),
                   state->service);
      return FALSE;
    }
  if (!openai_check_finish (state, choice, error))
    return FALSE;

  message = wf_json_get_object (choice, "message");
  content = wf_json_get_string (message, "content");
  if (content == NULL || *content == '\0')
    {
      g_propagate_error (error, wf_chat_empty_answer_error (state->service,
                                                            state->result->finish_reason));
      return FALSE;
    }
  g_string_assign (state->text, content);

  return TRUE;
}

static gboolean
openai_stream_event (WfChatStream  *state,
                     const char    *event,
                     JsonObject    *data,
                     GError       **error)
{
  JsonObject *error_object;
  JsonArray *choices;

  if ((error_object = wf_json_get_object (data, "error")) != NULL)
    {
      GError *mapped = wf_chat_error_from_object (state->service, error_object, 502);

      g_prefix_error (&mapped, _("The answer broke off: "));
      g_propagate_error (error, mapped);
      return FALSE;
    }

  openai_take_meta (state, data);
  /* The usage chunk has an empty choices array: read it before anything
   * else so the cost is never lost. */
  openai_take_usage (state, data);

  choices = wf_json_get_array (data, "choices");
  if (choices != NULL && json_array_get_length (choices) > 0)
    {
      JsonNode *node = json_array_get_element (choices, 0);
      JsonObject *choice = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonObject *delta = wf_json_get_object (choice, "delta");
      const char *content = wf_json_get_string (delta, "content");

      if (content != NULL && *content != '\0')
        {
          g_string_append (state->text, content);
          if (state->on_delta)
            state->on_delta (content, state->on_delta_data);
        }
      if (!openai_check_finish (state, choice, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
openai_stream_end (WfChatStream          *state,
                   const WfHttpResponse  *response,
                   GError               **error)
{
  if (!response->sse_done)
    {
      g_set_error (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_MALFORMED,
                   _("The answer from %s stopped before it was complete (the stream ended "
                     "without its end marker)."),
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

const WfChatWire wf_chat_wire_openai = {
  openai_build_body,
  openai_parse_response,
  openai_stream_event,
  openai_stream_end,
};

/* The call flow */

typedef struct
{
  char             *service;
  const WfChatWire *wire;
  char             *url;
  gboolean          needs_key;
  WfSecretKind      key_kind;
  GStrv             extra_headers;
  WfHttpLimits      limits;
  gboolean          stream;
  GBytes           *body;
  WfChatStream      state;
  char             *model;
  gint64            start_us;
} ChatCall;

static void
chat_call_free (ChatCall *call)
{
  g_free (call->service);
  g_free (call->url);
  g_free (call->model);
  g_strfreev (call->extra_headers);
  g_clear_pointer (&call->body, g_bytes_unref);
  if (call->state.text)
    g_string_free (call->state.text, TRUE);
  g_clear_pointer (&call->state.result, wf_generate_result_free);
  g_free (call);
}

static gboolean
chat_event_cb (const char  *event,
               const char  *data,
               gpointer     user_data,
               GError     **error)
{
  ChatCall *call = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!wf_json_depth_ok (data, strlen (data), 64)
      || !json_parser_load_from_data (parser, data, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT ((root = json_parser_get_root (parser))))
    {
      g_set_error (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_MALFORMED,
                   _("%s sent a stream event that is not valid JSON."), call->service);
      return FALSE;
    }

  return call->wire->stream_event (&call->state, event, json_node_get_object (root), error);
}

static void
http_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ChatCall *call = g_task_get_task_data (task);
  g_autoptr(WfHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  WfGenerateResult *out;

  response = wf_http_post_json_finish (result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (response->sse)
    {
      if (!call->wire->stream_end (&call->state, response, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  else
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize len = 0;
      const char *data = g_bytes_get_data (response->body, &len);

      if (len == 0 || !wf_json_depth_ok (data, len, 64)
          || !json_parser_load_from_data (parser, data, (gssize) len, NULL))
        {
          g_task_return_new_error (task, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_MALFORMED,
                                   _("%s sent a response that is not valid JSON."),
                                   call->service);
          return;
        }
      if (!call->wire->parse_response (&call->state, json_parser_get_root (parser), &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  out = g_steal_pointer (&call->state.result);
  out->text = g_strndup (call->state.text->str, call->state.text->len);
  if (out->generation_id == NULL)
    out->generation_id = g_strdup (response->generation_id);
  if (out->model == NULL)
    out->model = g_strdup (call->model);
  out->attempts = response->attempts;
  out->latency_ms = (g_get_monotonic_time () - call->start_us) / 1000;
  g_task_return_pointer (task, out, (GDestroyNotify) wf_generate_result_free);
}

static void
send_request (GTask      *task,
              const char *key)
{
  ChatCall *call = g_task_get_task_data (task);
  g_autoptr(GPtrArray) headers = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_secrets_value_free);
  WfHttpRequest request = { 0 };

  if (key != NULL)
    {
      g_ptr_array_add (headers, g_strdup ("Authorization"));
      g_ptr_array_add (headers, g_strdup_printf ("Bearer %s", key));
    }
  g_ptr_array_add (headers, g_strdup ("Accept"));
  g_ptr_array_add (headers, g_strdup (call->stream ? "text/event-stream" : "application/json"));
  for (guint i = 0; call->extra_headers && call->extra_headers[i]; i++)
    g_ptr_array_add (headers, g_strdup (call->extra_headers[i]));
  g_ptr_array_add (headers, NULL);

  request.service = call->service;
  request.url = call->url;
  request.headers = (const char * const *) headers->pdata;
  request.body = call->body;
  request.limits = &call->limits;
  if (call->stream)
    {
      request.on_event = chat_event_cb;
      request.on_event_data = call;
    }

  wf_http_post_json_async (&request, g_task_get_cancellable (task), http_cb, task);
}

static void
key_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  GTask *task = user_data;
  ChatCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *key;

  key = wf_secrets_lookup_finish (result, &error);
  if (key == NULL)
    {
      const char *name = wf_secret_kind_to_string (call->key_kind);

      if (error != NULL)
        g_task_return_new_error (task, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_NOT_CONFIGURED,
                                 _("The %s API key could not be read: %s"), call->service,
                                 error->message);
      else
        g_task_return_new_error (task, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_NOT_CONFIGURED,
                                 _("No %s API key is set. Add one in Preferences, run "
                                   "“whatif-cli keys set %s”, or set %s."),
                                 call->service, name, wf_secret_kind_get_env_var (call->key_kind));
      g_object_unref (task);
      return;
    }

  send_request (task, key);
  wf_secrets_value_free (key);
}

void
wf_chat_call_async (const WfChatEndpoint   *endpoint,
                    GPtrArray              *messages,
                    const WfGenerateParams *params,
                    GCancellable           *cancellable,
                    GAsyncReadyCallback     callback,
                    gpointer                user_data)
{
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  GTask *task;
  ChatCall *call;
  const char *model;
  guint n = 0;
  char *text;
  gsize len;

  g_return_if_fail (endpoint != NULL);
  g_return_if_fail (messages != NULL);
  g_return_if_fail (params != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, wf_chat_call_async);
  /* Cancellation is reported in WF_PROVIDER_ERROR like every other outcome. */
  g_task_set_check_cancellable (task, FALSE);

  call = g_new0 (ChatCall, 1);
  call->service = g_strdup (endpoint->service);
  call->wire = endpoint->wire;
  call->url = g_strdup (endpoint->url);
  call->needs_key = endpoint->needs_key;
  call->key_kind = endpoint->key_kind;
  if (endpoint->extra_headers)
    while (endpoint->extra_headers[n])
      n++;
  call->extra_headers = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    call->extra_headers[i] = g_strdup (endpoint->extra_headers[i]);
  if (endpoint->limits)
    call->limits = *endpoint->limits;
  else
    wf_http_limits_init (&call->limits);
  call->stream = params->stream;
  call->state.service = call->service;
  call->state.text = g_string_new (NULL);
  call->state.result = wf_generate_result_new ();
  call->state.on_delta = params->on_delta;
  call->state.on_delta_data = params->on_delta_data;
  call->start_us = g_get_monotonic_time ();
  g_task_set_task_data (task, call, (GDestroyNotify) chat_call_free);

  if (messages->len == 0 || messages->len > MAX_MESSAGES)
    {
      g_task_return_new_error (task, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_FAILED,
                               _("A request needs between 1 and %d messages."), MAX_MESSAGES);
      g_object_unref (task);
      return;
    }

  model = params->model && *params->model ? params->model : endpoint->default_model;
  call->model = g_strdup (model);
  body = endpoint->wire->build_body (model, messages, params, endpoint->include_usage);
  generator = json_generator_new ();
  json_generator_set_root (generator, body);
  text = json_generator_to_data (generator, &len);
  call->body = g_bytes_new_take (text, len);

  if (call->needs_key)
    wf_secrets_lookup_async (call->key_kind, cancellable, key_cb, task);
  else
    send_request (task, NULL);
}

WfGenerateResult *
wf_chat_call_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
