/* wf-provider-common.h: the call flow the HTTP providers share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * key lookup (wf-secrets) → request body (wire format) → wf-http (deadline,
 * retries, size cap, SSE) → parse into a WfGenerateResult. A wire format is a
 * small vtable; the OpenAI chat-completions one is here (OpenRouter and local
 * servers speak it), Cohere's lives in its provider file.
 */
#pragma once

#include "wf-http.h"
#include "wf-llm-provider.h"
#include "wf-secrets.h"

G_BEGIN_DECLS

typedef struct
{
  const char       *service;
  GString          *text;
  WfGenerateResult *result;
  WfTextDeltaFunc   on_delta;
  gpointer          on_delta_data;
  gboolean          ended;        /* the format's own end event arrived */
} WfChatStream;

typedef struct
{
  JsonNode *(*build_body)     (const char             *model,
                               GPtrArray              *messages,
                               const WfGenerateParams *params,
                               gboolean                include_usage);
  gboolean  (*parse_response) (WfChatStream           *state,
                               JsonNode               *root,
                               GError                **error);
  gboolean  (*stream_event)   (WfChatStream           *state,
                               const char             *event,
                               JsonObject             *data,
                               GError                **error);
  /* Called at the end of a stream: checks the terminator and the content. */
  gboolean  (*stream_end)     (WfChatStream           *state,
                               const WfHttpResponse   *response,
                               GError                **error);
} WfChatWire;

extern const WfChatWire wf_chat_wire_openai;

typedef struct
{
  const char         *service;       /* "OpenRouter" */
  const WfChatWire   *wire;
  const char         *url;           /* full endpoint */
  gboolean            needs_key;
  WfSecretKind        key_kind;
  const char * const *extra_headers; /* name, value, …, NULL */
  const char         *default_model;
  gboolean            include_usage; /* OpenAI stream_options.include_usage */
  const WfHttpLimits *limits;
} WfChatEndpoint;

void              wf_chat_add_common_members (JsonBuilder            *builder,
                                              const char             *model,
                                              GPtrArray              *messages,
                                              const WfGenerateParams *params);

void              wf_chat_call_async  (const WfChatEndpoint   *endpoint,
                                       GPtrArray              *messages,
                                       const WfGenerateParams *params,
                                       GCancellable           *cancellable,
                                       GAsyncReadyCallback     callback,
                                       gpointer                user_data);
WfGenerateResult *wf_chat_call_finish (GAsyncResult           *result,
                                       GError                **error);

/* Base URL: the environment variable if set, else @fallback; no trailing
 * slash. */
char             *wf_provider_dup_base_url (const char *env_var,
                                            const char *fallback);

/* An error object inside a 200 body or stream, mapped like an HTTP status. */
GError           *wf_chat_error_from_object (const char *service,
                                             JsonObject *error_object,
                                             guint       fallback_status);

/* Common empty-answer error. */
GError           *wf_chat_empty_answer_error (const char *service,
                                              const char *finish_reason);

G_END_DECLS
