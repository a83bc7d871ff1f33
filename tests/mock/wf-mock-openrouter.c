/* wf-mock-openrouter.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-mock-openrouter"

#include "config.h"

#include <string.h>

#include "wf-mock-openrouter.h"

#define CONTENT "import pandas as pd\\nprint(1)"

static const char *
error_json (WfMockCase mock_case,
            int        flavour)
{
  gboolean openrouter = flavour == WF_MOCK_FLAVOUR_OPENROUTER;

  switch (mock_case)
    {
    case WF_MOCK_401:
      return openrouter ? "{\"error\":{\"code\":401,\"message\":\"No auth credentials found\"}}"
                        : "{\"error\":{\"code\":401,\"message\":\"Invalid API Key\",\"type\":\"authentication_error\"}}";
    case WF_MOCK_402:
      return "{\"error\":{\"code\":402,\"message\":\"Insufficient credits. Add more using https://openrouter.ai/credits\"}}";
    case WF_MOCK_403_MODERATION:
      return "{\"error\":{\"code\":403,\"message\":\"Input was flagged\",\"metadata\":{\"reasons\":[\"violence\"],\"flagged_input\":\"...\"}}}";
    case WF_MOCK_429:
    case WF_MOCK_429_DATE:
      return openrouter ? "{\"error\":{\"code\":429,\"message\":\"Rate limit exceeded\",\"metadata\":{\"error_type\":\"rate_limit_exceeded\"}}}"
                        : "{\"error\":{\"message\":\"rate limited\",\"type\":\"api_error\",\"param\":null,\"code\":null}}";
    case WF_MOCK_500:
      return "{\"error\":{\"code\":500,\"message\":\"Internal Server Error\"}}";
    case WF_MOCK_502:
      return "{\"error\":{\"code\":502,\"message\":\"Provider returned error\"}}";
    case WF_MOCK_503:
      if (flavour == WF_MOCK_FLAVOUR_OLLAMA)
        return "{\"error\":{\"message\":\"server busy, please try again.  maximum pending requests exceeded\",\"type\":\"api_error\",\"param\":null,\"code\":null}}";
      if (flavour == WF_MOCK_FLAVOUR_LLAMACPP)
        return "{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}}";
      return "{\"error\":{\"code\":503,\"message\":\"Service temporarily unavailable\",\"metadata\":{\"error_type\":\"provider_overloaded\"}}}";
    case WF_MOCK_OK:
    case WF_MOCK_ERROR_IN_200:
    case WF_MOCK_EMPTY:
    case WF_MOCK_THINKING_ONLY:
    case WF_MOCK_CONTENT_FILTER:
    case WF_MOCK_NOT_JSON:
    case WF_MOCK_TRUNCATED_BODY:
    case WF_MOCK_STREAM_ERROR_CHUNK:
    case WF_MOCK_STREAM_CUT:
    case WF_MOCK_STREAM_KEEPALIVE:
    case WF_MOCK_SLOW:
    case WF_MOCK_OVERSIZE:
    case WF_MOCK_OVERSIZE_CHUNKED:
    case WF_MOCK_NO_CODE:
    default:
      return NULL;
    }
}

static guint
error_status (WfMockCase mock_case)
{
  switch (mock_case)
    {
    case WF_MOCK_401: return 401;
    case WF_MOCK_402: return 402;
    case WF_MOCK_403_MODERATION: return 403;
    case WF_MOCK_429: case WF_MOCK_429_DATE: return 429;
    case WF_MOCK_500: return 500;
    case WF_MOCK_502: return 502;
    case WF_MOCK_503: return 503;
    case WF_MOCK_OK:
    case WF_MOCK_ERROR_IN_200:
    case WF_MOCK_EMPTY:
    case WF_MOCK_THINKING_ONLY:
    case WF_MOCK_CONTENT_FILTER:
    case WF_MOCK_NOT_JSON:
    case WF_MOCK_TRUNCATED_BODY:
    case WF_MOCK_STREAM_ERROR_CHUNK:
    case WF_MOCK_STREAM_CUT:
    case WF_MOCK_STREAM_KEEPALIVE:
    case WF_MOCK_SLOW:
    case WF_MOCK_OVERSIZE:
    case WF_MOCK_OVERSIZE_CHUNKED:
    case WF_MOCK_NO_CODE:
    default:
      return 0;
    }
}

static char *
completion_json (int         flavour,
                 const char *content_json,
                 const char *finish)
{
  const char *usage = flavour == WF_MOCK_FLAVOUR_OPENROUTER
    ? "{\"prompt_tokens\":10,\"completion_tokens\":4,\"total_tokens\":14,"
      "\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0},"
      "\"cost\":0.00014,\"is_byok\":false,\"cost_details\":{\"upstream_inference_cost\":null,"
      "\"upstream_inference_prompt_cost\":0.0001,\"upstream_inference_completions_cost\":0.00004}}"
    : "{\"prompt_tokens\":10,\"completion_tokens\":4,\"total_tokens\":14}";
  const char *extra = flavour == WF_MOCK_FLAVOUR_OLLAMA ? ",\"system_fingerprint\":\"fp_ollama\""
    : flavour == WF_MOCK_FLAVOUR_LLAMACPP ? ",\"timings\":{\"prompt_n\":10,\"cache_n\":0,\"predicted_n\":4}"
    : ",\"provider\":\"OpenAI\"";

  return g_strdup_printf ("{\"id\":\"gen-mock-1\",\"object\":\"chat.completion\",\"created\":1755850000,"
                          "\"model\":\"openai/gpt-4o\"%s,\"choices\":[{\"index\":0,\"finish_reason\":\"%s\","
                          "\"native_finish_reason\":\"%s\",\"message\":{\"role\":\"assistant\",\"content\":%s}}],"
                          "\"usage\":%s}",
                          extra, finish, finish, content_json, usage);
}

#define CHUNK(content, finish) \
  "data: {\"id\":\"gen-mock-1\",\"object\":\"chat.completion.chunk\",\"created\":1755850000,\"model\":\"openai/gpt-4o\"," \
  "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" content "\"},\"finish_reason\":" finish "}]}\n\n"
#define USAGE_CHUNK \
  "data: {\"id\":\"gen-mock-1\",\"object\":\"chat.completion.chunk\",\"created\":1755850000,\"model\":\"openai/gpt-4o\"," \
  "\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":4,\"total_tokens\":14,\"cost\":0.00014}}\n\n"
#define USAGE_CHUNK_LOCAL \
  "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1755850000,\"model\":\"llama3.2\"," \
  "\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":4,\"total_tokens\":14}}\n\n"
#define MID_STREAM_ERROR \
  "data: {\"id\":\"gen-mock-1\",\"object\":\"chat.completion.chunk\",\"created\":1755850000,\"model\":\"openai/gpt-4o\"," \
  "\"provider\":\"OpenAI\",\"error\":{\"code\":429,\"message\":\"Rate limit exceeded\",\"metadata\":{\"error_type\":" \
  "\"rate_limit_exceeded\"}},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}\n\n"

static void
reply_stream_ok (WfMockLlm         *mock,
                 SoupServerMessage *msg,
                 gboolean           include_usage)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new ();

  if (mock->flavour == WF_MOCK_FLAVOUR_OPENROUTER)
    g_ptr_array_add (events, ": OPENROUTER PROCESSING\n\n");
  g_ptr_array_add (events, CHUNK ("import pan", "null"));
  if (mock->flavour == WF_MOCK_FLAVOUR_OLLAMA)
    {
      /* Ollama sends the finish reason on its own chunk with an empty delta. */
      g_ptr_array_add (events, CHUNK ("das as pd\\n", "null"));
      g_ptr_array_add (events, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"llama3.2\","
                               "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
      if (include_usage)
        g_ptr_array_add (events, USAGE_CHUNK_LOCAL);
    }
  else
    {
      g_ptr_array_add (events, CHUNK ("das as pd\\n", "\"stop\""));
      g_ptr_array_add (events, mock->flavour == WF_MOCK_FLAVOUR_OPENROUTER ? USAGE_CHUNK : USAGE_CHUNK_LOCAL);
    }
  /* Multi-line data and CRLF line ends are legal SSE: exercise them. */
  g_ptr_array_add (events, "data: [DONE]\r\n\r\n");
  g_ptr_array_add (events, NULL);
  wf_mock_reply_sse (msg, (const char * const *) events->pdata);
}

/* GET /api/v1/models (§1.6) and /api/v1/generation (§1.5: 404 at first, as
 * the real stats record appears only seconds after the answer). */
static void
handle_get (WfMockLlm         *mock,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query)
{
  if (strcmp (path, "/api/v1/models") == 0)
    {
      wf_mock_reply_json (msg, 200,
                          "{\"data\":[{\"id\":\"openai/gpt-4\",\"canonical_slug\":\"openai/gpt-4\",\"name\":\"GPT-4\","
                          "\"created\":1692901234,\"context_length\":8192,\"architecture\":{\"modality\":\"text->text\","
                          "\"input_modalities\":[\"text\"],\"output_modalities\":[\"text\"],\"tokenizer\":\"GPT\"},"
                          "\"pricing\":{\"prompt\":\"0.00003\",\"completion\":\"0.00006\",\"request\":\"0\",\"image\":\"0\"},"
                          "\"top_provider\":{\"context_length\":8192,\"max_completion_tokens\":4096,\"is_moderated\":true},"
                          "\"supported_parameters\":[\"temperature\",\"top_p\",\"max_tokens\"]}]}");
      return;
    }
  if (strcmp (path, "/api/v1/generation") == 0)
    {
      guint asked;

      g_mutex_lock (&mock->mutex);
      asked = mock->generation_asks++;
      g_mutex_unlock (&mock->mutex);
      if (asked == 0 || query == NULL || g_strcmp0 (g_hash_table_lookup (query, "id"), "gen-mock-1") != 0)
        wf_mock_reply_json (msg, 404, "{\"error\":{\"code\":404,\"message\":\"Resource not found\"}}");
      else
        wf_mock_reply_json (msg, 200,
                            "{\"data\":{\"id\":\"gen-mock-1\",\"model\":\"openai/gpt-4o\",\"provider_name\":\"OpenAI\","
                            "\"created_at\":\"2026-08-22T10:00:00.000000+00:00\",\"total_cost\":0.00014,\"usage\":0.00014,"
                            "\"cache_discount\":null,\"upstream_inference_cost\":null,\"tokens_prompt\":10,"
                            "\"tokens_completion\":4,\"native_tokens_prompt\":10,\"native_tokens_completion\":4,"
                            "\"latency\":1250,\"generation_time\":1200,\"streamed\":false,\"cancelled\":false,"
                            "\"is_byok\":false,\"finish_reason\":\"stop\",\"native_finish_reason\":\"stop\"}}");
      return;
    }
  wf_mock_reply_json (msg, 404, "{\"error\":{\"code\":404,\"message\":\"Not Found\"}}");
}

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  WfMockLlm *mock = user_data;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *request = NULL;
  gboolean stream = FALSE;
  gboolean include_usage = FALSE;
  const char *auth;
  WfMockCase mock_case;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (mock->flavour == WF_MOCK_FLAVOUR_OPENROUTER
      && strcmp (soup_server_message_get_method (msg), "GET") == 0)
    {
      handle_get (mock, msg, path, query);
      return;
    }
  if (strcmp (soup_server_message_get_method (msg), "POST") != 0
      || !g_str_has_suffix (path, "/chat/completions"))
    {
      wf_mock_reply_json (msg, 404, "{\"error\":{\"code\":404,\"message\":\"Not Found\"}}");
      return;
    }

  mock_case = wf_mock_llm_next (mock);
  root = wf_mock_parse_body (msg);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      wf_mock_reply_json (msg, 400, "{\"error\":{\"code\":400,\"message\":\"Invalid JSON\"}}");
      return;
    }
  request = json_node_get_object (root);
  stream = json_object_get_boolean_member_with_default (request, "stream", FALSE);
  if (json_object_has_member (request, "stream_options")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (request, "stream_options")))
    include_usage = json_object_get_boolean_member_with_default (
      json_object_get_object_member (request, "stream_options"), "include_usage", FALSE);

  /* OpenRouter refuses requests without a key, as the real one does. */
  auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                       "Authorization");
  if (mock->flavour == WF_MOCK_FLAVOUR_OPENROUTER
      && (auth == NULL || !g_str_has_prefix (auth, "Bearer ")))
    mock_case = WF_MOCK_401;

  if (mock->flavour == WF_MOCK_FLAVOUR_OPENROUTER)
    soup_message_headers_replace (headers, "X-Generation-Id", "gen-mock-1");

  switch (mock_case)
    {
    case WF_MOCK_OK:
      if (stream)
        reply_stream_ok (mock, msg, include_usage);
      else
        {
          g_autofree char *json = completion_json (mock->flavour, "\"" CONTENT "\"", "stop");
          wf_mock_reply_json (msg, 200, json);
        }
      break;
    case WF_MOCK_NO_CODE:
      {
        g_autofree char *json = completion_json (mock->flavour, "\"Sure! Here is the code:\"", "stop");
        wf_mock_reply_json (msg, 200, json);
      }
      break;
    case WF_MOCK_ERROR_IN_200:
      wf_mock_reply_json (msg, 200, "{\"error\":{\"code\":502,\"message\":\"Provider returned error\"}}");
      break;
    case WF_MOCK_EMPTY:
      if (mock->flavour == WF_MOCK_FLAVOUR_OPENROUTER)
        wf_mock_reply_json (msg, 200, "{\"id\":\"gen-x\",\"object\":\"chat.completion\",\"choices\":[],"
                                      "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":0,\"total_tokens\":5,\"cost\":0.00001}}");
      else
        {
          g_autofree char *json = completion_json (mock->flavour, "\"\"", "length");
          wf_mock_reply_json (msg, 200, json);
        }
      break;
    case WF_MOCK_CONTENT_FILTER:
      {
        g_autofree char *json = completion_json (mock->flavour, "null", "content_filter");
        wf_mock_reply_json (msg, 200, json);
      }
      break;
    case WF_MOCK_THINKING_ONLY:
    case WF_MOCK_NOT_JSON:
      wf_mock_reply_json (msg, 200, "Sure! {\"choices\": [ not json");
      break;
    case WF_MOCK_TRUNCATED_BODY:
      wf_mock_reply_raw (msg, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                              "Content-Length: 500\r\nConnection: close\r\n\r\n"
                              "{\"id\":\"gen-mock-1\",\"choices\":[{\"index\":0,\"message\":{\"content\":\"import pan");
      break;
    case WF_MOCK_STREAM_ERROR_CHUNK:
      {
        const char *events[] = {
          CHUNK ("import pan", "null"), CHUNK ("das as pd\\n", "null"), MID_STREAM_ERROR, NULL
        };
        wf_mock_reply_sse (msg, events);
      }
      break;
    case WF_MOCK_STREAM_CUT:
      wf_mock_reply_raw (msg, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                              "Connection: close\r\n\r\n"
                              ": OPENROUTER PROCESSING\n\n"
                              CHUNK ("import pan", "null") CHUNK ("das as pd\\n", "null"));
      break;
    case WF_MOCK_STREAM_KEEPALIVE:
      wf_mock_reply_keepalive (mock->server, msg, ": OPENROUTER PROCESSING\n\n");
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
    case WF_MOCK_429:
    case WF_MOCK_429_DATE:
      if (mock_case == WF_MOCK_429)
        soup_message_headers_replace (headers, "Retry-After", "2");
      else
        {
          g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
          g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 2);
          g_autofree char *date = soup_date_time_to_string (later, SOUP_DATE_HTTP);
          soup_message_headers_replace (headers, "Retry-After", date);
        }
      soup_message_headers_replace (headers, "X-RateLimit-Limit", "20");
      soup_message_headers_replace (headers, "X-RateLimit-Remaining", "0");
      wf_mock_reply_json (msg, 429, error_json (mock_case, mock->flavour));
      break;
    case WF_MOCK_401:
      {
        /* Some servers quote the credential they refused: the client must
         * scrub it before the message reaches an error or a log. */
        g_autofree char *json = g_strdup_printf ("{\"error\":{\"code\":401,\"message\":\"Invalid credentials: %s\"}}",
                                                 auth ? auth : "none");
        wf_mock_reply_json (msg, 401, json);
      }
      break;
    case WF_MOCK_402:
    case WF_MOCK_403_MODERATION:
    case WF_MOCK_500:
    case WF_MOCK_502:
    case WF_MOCK_503:
    default:
      wf_mock_reply_json (msg, error_status (mock_case), error_json (mock_case, mock->flavour));
      break;
    }
}

WfMockLlm *
wf_mock_openrouter_install (WfMockServer  *server,
                            WfMockFlavour  flavour)
{
  WfMockLlm *mock = wf_mock_llm_new (server, flavour);

  wf_mock_server_add_handler (server, flavour == WF_MOCK_FLAVOUR_OPENROUTER ? "/api/v1" : "/v1",
                              handle_cb, mock, (GDestroyNotify) wf_mock_llm_free);

  return mock;
}
