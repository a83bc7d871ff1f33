/* wf-mock-cohere.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-mock-cohere"

#include "config.h"

#include <string.h>

#include "wf-mock-cohere.h"

#define USAGE "\"usage\":{\"billed_units\":{\"input_tokens\":5,\"output_tokens\":418}," \
              "\"tokens\":{\"input_tokens\":71,\"output_tokens\":418},\"cached_tokens\":0}"
#define SUCCESS \
  "{\"id\":\"c14c80c3-18eb-4519-9460-6c92edd8cfb4\",\"finish_reason\":\"COMPLETE\"," \
  "\"message\":{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"Average…\"}," \
  "{\"type\":\"text\",\"text\":\"import pandas as pd\\nprint(1)\"}]}," USAGE "}"

#define EV_START \
  "event: message-start\ndata: {\"id\":\"c14c80c3\",\"type\":\"message-start\",\"delta\":{\"message\":{\"role\":\"assistant\"}}}\n\n"
#define EV_CONTENT_START \
  "event: content-start\ndata: {\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"type\":\"text\",\"text\":\"\"}}}}\n\n"
#define EV_DELTA(text) \
  "event: content-delta\ndata: {\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"text\":\"" text "\"}}}}\n\n"
#define EV_CONTENT_END \
  "event: content-end\ndata: {\"type\":\"content-end\",\"index\":0}\n\n"
#define EV_END \
  "event: message-end\ndata: {\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"COMPLETE\",\"usage\":" \
  "{\"billed_units\":{\"input_tokens\":5,\"output_tokens\":3},\"tokens\":{\"input_tokens\":71,\"output_tokens\":3}}}}\n\n"
#define EV_END_ERROR \
  "event: message-end\ndata: {\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"ERROR\",\"error\":\"internal error\"}}\n\n"

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  WfMockLlm *mock = user_data;
  g_autoptr(JsonNode) root = NULL;
  gboolean stream = FALSE;
  const char *auth;
  WfMockCase mock_case;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (strcmp (soup_server_message_get_method (msg), "POST") != 0 || strcmp (path, "/v2/chat") != 0)
    {
      wf_mock_reply_json (msg, 404, "{\"id\":\"r-404\",\"message\":\"not found\"}");
      return;
    }

  mock_case = wf_mock_llm_next (mock);
  root = wf_mock_parse_body (msg);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      wf_mock_reply_json (msg, 400, "{\"id\":\"r-400\",\"message\":\"invalid request: body is not JSON\"}");
      return;
    }
  stream = json_object_get_boolean_member_with_default (json_node_get_object (root), "stream", FALSE);
  auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  if (auth == NULL || !g_str_has_prefix (auth, "Bearer "))
    mock_case = WF_MOCK_401;

  switch (mock_case)
    {
    case WF_MOCK_NO_CODE:
      wf_mock_reply_json (msg, 200, "{\"id\":\"m5\",\"finish_reason\":\"COMPLETE\",\"message\":{\"role\":\"assistant\","
                                    "\"content\":[{\"type\":\"text\",\"text\":\"Sure! Here is the code:\"}]}}");
      break;
    case WF_MOCK_OK:
      if (stream)
        {
          const char *events[] = {
            EV_START, EV_CONTENT_START, EV_DELTA ("import pan"), EV_DELTA ("das as pd\\n"),
            EV_CONTENT_END, EV_END, "data: [DONE]\n\n", NULL
          };
          wf_mock_reply_sse (msg, events);
        }
      else
        wf_mock_reply_json (msg, 200, SUCCESS);
      break;
    case WF_MOCK_EMPTY:
      wf_mock_reply_json (msg, 200, "{\"id\":\"m1\",\"finish_reason\":\"COMPLETE\",\"message\":{\"role\":\"assistant\","
                                    "\"content\":[]},\"usage\":{\"billed_units\":{\"input_tokens\":5,\"output_tokens\":0},"
                                    "\"tokens\":{\"input_tokens\":60,\"output_tokens\":0}}}");
      break;
    case WF_MOCK_THINKING_ONLY:
      wf_mock_reply_json (msg, 200, "{\"id\":\"m2\",\"finish_reason\":\"COMPLETE\",\"message\":{\"role\":\"assistant\","
                                    "\"content\":[{\"type\":\"thinking\",\"thinking\":\"...\"}]}}");
      break;
    case WF_MOCK_ERROR_IN_200:
      wf_mock_reply_json (msg, 200, "{\"id\":\"m3\",\"message\":\"internal error\"}");
      break;
    case WF_MOCK_CONTENT_FILTER:
      wf_mock_reply_json (msg, 498, "{\"id\":\"r-498\",\"message\":\"blocked output: please adjust your prompt\"}");
      break;
    case WF_MOCK_NOT_JSON:
      wf_mock_reply_json (msg, 200, "<html>Bad gateway</html>");
      break;
    case WF_MOCK_TRUNCATED_BODY:
      wf_mock_reply_raw (msg, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                              "Content-Length: 400\r\nConnection: close\r\n\r\n"
                              "{\"id\":\"m4\",\"finish_reason\":\"COMPLETE\",\"message\":{\"content\":[{\"type\":\"te");
      break;
    case WF_MOCK_STREAM_ERROR_CHUNK:
      {
        const char *events[] = { EV_START, EV_DELTA ("import pan"), EV_END_ERROR, NULL };
        wf_mock_reply_sse (msg, events);
      }
      break;
    case WF_MOCK_STREAM_CUT:
      wf_mock_reply_raw (msg, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                              "Connection: close\r\n\r\n"
                              EV_START EV_CONTENT_START EV_DELTA ("import pan") EV_DELTA ("das as pd\\n"));
      break;
    case WF_MOCK_STREAM_KEEPALIVE:
      wf_mock_reply_keepalive (mock->server, msg, ": ping\n\n");
      break;
    case WF_MOCK_SLOW:
      wf_mock_reply_never (msg);
      break;
    case WF_MOCK_OVERSIZE:
      wf_mock_reply_oversize (msg, FALSE);
      break;
    case WF_MOCK_OVERSIZE_CHUNKED:
      wf_mock_reply_oversize (msg, TRUE);
      break;
    case WF_MOCK_401:
      wf_mock_reply_json (msg, 401, "{\"id\":\"r-401\",\"message\":\"invalid api token\"}");
      break;
    case WF_MOCK_402:
      wf_mock_reply_json (msg, 402, "{\"id\":\"r-402\",\"message\":\"Please add a payment method to continue\"}");
      break;
    case WF_MOCK_403_MODERATION:
      wf_mock_reply_json (msg, 403, "{\"id\":\"r-403\",\"message\":\"not permitted\"}");
      break;
    case WF_MOCK_429:
    case WF_MOCK_429_DATE:
      soup_message_headers_replace (headers, "Retry-After", "2");
      wf_mock_reply_json (msg, 429, "{\"id\":\"r-429\",\"message\":\"You are past the per minute request limit, "
                                    "please wait and try again later.\"}");
      break;
    case WF_MOCK_500:
      wf_mock_reply_json (msg, 500, "{\"id\":\"r-500\",\"message\":\"internal server error\"}");
      break;
    case WF_MOCK_502:
      wf_mock_reply_json (msg, 504, "{\"id\":\"r-504\",\"message\":\"gateway timeout\"}");
      break;
    case WF_MOCK_503:
    default:
      wf_mock_reply_json (msg, 503, "{\"id\":\"r-503\",\"message\":\"service unavailable\"}");
      break;
    }
}

WfMockLlm *
wf_mock_cohere_install (WfMockServer *server)
{
  WfMockLlm *mock = wf_mock_llm_new (server, 0);

  wf_mock_server_add_handler (server, "/v2", handle_cb, mock, (GDestroyNotify) wf_mock_llm_free);

  return mock;
}
