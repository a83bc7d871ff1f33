/* wf-mock-openrouter.h: OpenAI chat-completions mocks (OpenRouter, Ollama, llama.cpp)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "wf-mock-llm.h"

G_BEGIN_DECLS

typedef enum
{
  WF_MOCK_FLAVOUR_OPENROUTER,   /* POST /api/v1/chat/completions, needs a Bearer key */
  WF_MOCK_FLAVOUR_OLLAMA,       /* POST /v1/chat/completions */
  WF_MOCK_FLAVOUR_LLAMACPP,     /* POST /v1/chat/completions */
} WfMockFlavour;

/* Registers the handler on @server; the returned mock lives as long as the
 * server. Base URL for the client: server URL + "/api/v1" (OpenRouter) or
 * + "/v1" (local servers). */
WfMockLlm *wf_mock_openrouter_install (WfMockServer  *server,
                                       WfMockFlavour  flavour);

G_END_DECLS
