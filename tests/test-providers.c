/* test-providers.c: OpenRouter, Cohere and local providers against mocks of
 * their real wire formats, including every failure case of provider-apis.md
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-providers"

#include "config.h"

#include <string.h>

#include "wf-http.h"
#include "wf-mock-cohere.h"
#include "wf-mock-openrouter.h"
#include "wf-provider-cohere.h"
#include "wf-provider-local.h"
#include "wf-provider-openrouter.h"

#define OPENROUTER_KEY "sk-or-v1-test-0123456789abcdef"
#define COHERE_KEY     "co-test-fedcba9876543210"

/* Every log line of the whole run, debug included, to prove no key is in one. */
static GString *captured_logs;
G_LOCK_DEFINE_STATIC (captured_logs);

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  G_LOCK (captured_logs);
  for (gsize i = 0; i < n_fields; i++)
    if (fields[i].length < 0)
      {
        g_string_append (captured_logs, fields[i].value);
        g_string_append_c (captured_logs, '\n');
      }
  G_UNLOCK (captured_logs);

  /* Debug lines are only recorded, or the TAP output would drown in them. */
  if (level & G_LOG_LEVEL_DEBUG)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

typedef enum
{
  P_OPENROUTER,
  P_COHERE,
  P_OLLAMA,
  P_LLAMACPP,
} ProviderKind;

static const char *provider_names[] = { "openrouter", "cohere", "ollama", "llamacpp" };

typedef struct
{
  WfMockServer  *server;
  WfMockLlm     *mock;
  WfLlmProvider *provider;
  ProviderKind   kind;
  GString       *deltas;
  guint          n_deltas;
} Fixture;

static void
test_limits (WfHttpLimits *limits)
{
  wf_http_limits_init (limits);
  /* Short everything: the http suite must stay fast. */
  limits->deadline_ms = 3000;
  limits->idle_timeout_ms = 2000;
  limits->backoff_base_ms = 40;
  limits->backoff_max_ms = 200;
  limits->max_attempts = 4;
}

static void
fixture_set_limits (Fixture            *f,
                    const WfHttpLimits *limits)
{
  switch (f->kind)
    {
    case P_OPENROUTER:
      wf_provider_openrouter_set_limits (WF_PROVIDER_OPENROUTER (f->provider), limits);
      break;
    case P_COHERE:
      wf_provider_cohere_set_limits (WF_PROVIDER_COHERE (f->provider), limits);
      break;
    case P_OLLAMA:
    case P_LLAMACPP:
    default:
      wf_provider_local_set_limits (WF_PROVIDER_LOCAL (f->provider), limits);
      break;
    }
}

static void
fixture_init (Fixture      *f,
              ProviderKind  kind)
{
  g_autofree char *url = NULL;
  WfHttpLimits limits;

  memset (f, 0, sizeof *f);
  f->kind = kind;
  f->server = wf_mock_server_new ();
  f->deltas = g_string_new (NULL);

  switch (kind)
    {
    case P_OPENROUTER:
      f->mock = wf_mock_openrouter_install (f->server, WF_MOCK_FLAVOUR_OPENROUTER);
      url = g_strconcat (wf_mock_server_get_url (f->server), "/api/v1", NULL);
      g_setenv ("WHATIF_OPENROUTER_URL", url, TRUE);
      f->provider = WF_LLM_PROVIDER (wf_provider_openrouter_new (NULL));
      break;
    case P_COHERE:
      f->mock = wf_mock_cohere_install (f->server);
      g_setenv ("WHATIF_COHERE_URL", wf_mock_server_get_url (f->server), TRUE);
      f->provider = WF_LLM_PROVIDER (wf_provider_cohere_new (NULL));
      break;
    case P_OLLAMA:
    case P_LLAMACPP:
    default:
      f->mock = wf_mock_openrouter_install (f->server, kind == P_OLLAMA ? WF_MOCK_FLAVOUR_OLLAMA
                                                                         : WF_MOCK_FLAVOUR_LLAMACPP);
      url = g_strconcat (wf_mock_server_get_url (f->server), "/v1/", NULL);
      g_setenv ("WHATIF_LOCAL_URL", url, TRUE);
      f->provider = WF_LLM_PROVIDER (wf_provider_local_new (NULL));
      break;
    }

  test_limits (&limits);
  fixture_set_limits (f, &limits);
}

static void
fixture_clear (Fixture *f)
{
  g_clear_object (&f->provider);
  g_clear_pointer (&f->server, wf_mock_server_free);
  g_string_free (f->deltas, TRUE);
}

static void
on_delta (const char *delta,
          gpointer    user_data)
{
  Fixture *f = user_data;

  g_string_append (f->deltas, delta);
  f->n_deltas++;
}

static GPtrArray *
make_messages (void)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_chat_message_free);

  g_ptr_array_add (messages, wf_chat_message_new ("system", "Return only Python code."));
  g_ptr_array_add (messages, wf_chat_message_new ("user", "Average close price of AAPL in 2024?"));

  return messages;
}

static WfGenerateResult *
fixture_generate (Fixture       *f,
                  gboolean       stream,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GPtrArray) messages = make_messages ();
  WfGenerateParams params;
  WfGenerateResult *result;

  wf_generate_params_init (&params);
  params.model = g_strdup ("mock/model-1");
  params.max_tokens = 256;
  params.stream = stream;
  params.on_delta = on_delta;
  params.on_delta_data = f;
  result = wf_llm_provider_generate (f->provider, messages, &params, cancellable, error);
  wf_generate_params_clear (&params);

  return result;
}

/* Success, with the request as sent checked */

static void
check_request (Fixture  *f,
               gboolean  stream)
{
  g_autoptr(GPtrArray) requests = wf_mock_server_dup_requests (f->server);
  WfMockRequest *request;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *body_text = NULL;
  JsonObject *body;
  JsonArray *messages;
  const char *auth;
  gsize len;
  const char *data;

  g_assert_cmpuint (requests->len, ==, 1);
  request = g_ptr_array_index (requests, 0);
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (request->path, ==, f->kind == P_OPENROUTER ? "/api/v1/chat/completions"
                                      : f->kind == P_COHERE ? "/v2/chat" : "/v1/chat/completions");
  /* Keys travel in a header, never in the URL. */
  g_assert_null (request->query);
  g_assert_null (strstr (request->path, "sk-or"));

  data = g_bytes_get_data (request->body, &len);
  body_text = g_strndup (data, len);
  g_assert_null (strstr (body_text, OPENROUTER_KEY));
  g_assert_null (strstr (body_text, COHERE_KEY));
  g_assert_true (json_parser_load_from_data (parser, data, (gssize) len, NULL));
  body = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, "mock/model-1");
  g_assert_cmpint (json_object_get_int_member (body, "max_tokens"), ==, 256);
  g_assert_cmpint (json_object_get_boolean_member (body, "stream"), ==, stream);
  messages = json_object_get_array_member (body, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "role"),
                   ==, "system");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 1), "content"),
                   ==, "Average close price of AAPL in 2024?");
  g_assert_cmpstr (soup_message_headers_get_content_type (request->headers, NULL), ==,
                   "application/json");

  auth = soup_message_headers_get_one (request->headers, "Authorization");
  switch (f->kind)
    {
    case P_OPENROUTER:
      g_assert_cmpstr (auth, ==, "Bearer " OPENROUTER_KEY);
      g_assert_nonnull (soup_message_headers_get_one (request->headers, "HTTP-Referer"));
      g_assert_cmpstr (soup_message_headers_get_one (request->headers, "X-OpenRouter-Title"), ==,
                       "What If");
      break;
    case P_COHERE:
      g_assert_cmpstr (auth, ==, "Bearer " COHERE_KEY);
      break;
    case P_OLLAMA:
    case P_LLAMACPP:
    default:
      /* A local server gets no key at all, least of all a cloud one. */
      g_assert_null (auth);
      if (stream)
        g_assert_true (json_object_has_member (body, "stream_options"));
      break;
    }
}

static void
test_success (gconstpointer data)
{
  ProviderKind kind = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(WfGenerateResult) result = NULL;
  Fixture f;

  fixture_init (&f, kind);
  result = fixture_generate (&f, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->text, ==, "import pandas as pd\nprint(1)");
  g_assert_cmpuint (result->attempts, ==, 1);
  g_assert_true (result->has_usage);
  g_assert_cmpuint (f.n_deltas, ==, 0);
  switch (kind)
    {
    case P_OPENROUTER:
      g_assert_cmpint (result->input_tokens, ==, 10);
      g_assert_cmpint (result->output_tokens, ==, 4);
      g_assert_true (result->has_reported_cost);
      g_assert_cmpfloat_with_epsilon (result->reported_cost_usd, 0.00014, 1e-12);
      g_assert_cmpstr (result->generation_id, ==, "gen-mock-1");
      g_assert_cmpstr (result->finish_reason, ==, "stop");
      break;
    case P_COHERE:
      /* Billed units, not raw tokens; the thinking block is not the answer. */
      g_assert_cmpint (result->input_tokens, ==, 5);
      g_assert_cmpint (result->output_tokens, ==, 418);
      g_assert_false (result->has_reported_cost);
      g_assert_cmpstr (result->finish_reason, ==, "COMPLETE");
      g_assert_cmpstr (result->model, ==, "mock/model-1");
      break;
    case P_OLLAMA:
    case P_LLAMACPP:
    default:
      g_assert_cmpint (result->input_tokens, ==, 10);
      g_assert_false (result->has_reported_cost);
      g_assert_true (wf_llm_provider_is_free (f.provider));
      break;
    }
  check_request (&f, FALSE);
  fixture_clear (&f);
}

static void
test_stream (gconstpointer data)
{
  ProviderKind kind = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(WfGenerateResult) result = NULL;
  Fixture f;

  fixture_init (&f, kind);
  result = fixture_generate (&f, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->text, ==, "import pandas as pd\n");
  /* Each piece reached the caller as it came. */
  g_assert_cmpuint (f.n_deltas, ==, 2);
  g_assert_cmpstr (f.deltas->str, ==, result->text);
  g_assert_true (result->has_usage);
  switch (kind)
    {
    case P_OPENROUTER:
      /* Usage and cost come in the last chunk, whose choices are empty. */
      g_assert_true (result->has_reported_cost);
      g_assert_cmpfloat_with_epsilon (result->reported_cost_usd, 0.00014, 1e-12);
      g_assert_cmpint (result->output_tokens, ==, 4);
      break;
    case P_COHERE:
      g_assert_cmpint (result->input_tokens, ==, 5);
      g_assert_cmpint (result->output_tokens, ==, 3);
      g_assert_cmpstr (result->generation_id, ==, "c14c80c3");
      break;
    case P_OLLAMA:
    case P_LLAMACPP:
    default:
      g_assert_cmpint (result->input_tokens, ==, 10);
      g_assert_cmpstr (result->finish_reason, ==, "stop");
      break;
    }
  check_request (&f, TRUE);
  fixture_clear (&f);
}

/* Failure table */

typedef struct
{
  const char   *path;
  ProviderKind  kind;
  gboolean      stream;
  WfMockCase    cases[6];
  guint         n_cases;
  int           expect_code;     /* -1: success */
  guint         expect_hits;
  gboolean      expect_deltas;
} FailureCase;

#define C(...) { __VA_ARGS__ }, (sizeof ((WfMockCase[]) { __VA_ARGS__ }) / sizeof (WfMockCase))

static const FailureCase failures[] = {
  /* OpenRouter */
  { "/providers/openrouter/malformed-json", P_OPENROUTER, FALSE, C (WF_MOCK_NOT_JSON), WF_PROVIDER_ERROR_MALFORMED, 1 },
  { "/providers/openrouter/error-inside-200", P_OPENROUTER, FALSE, C (WF_MOCK_ERROR_IN_200), WF_PROVIDER_ERROR_OVERLOADED, 1 },
  { "/providers/openrouter/empty-choices", P_OPENROUTER, FALSE, C (WF_MOCK_EMPTY), WF_PROVIDER_ERROR_MALFORMED, 1 },
  { "/providers/openrouter/content-filter", P_OPENROUTER, FALSE, C (WF_MOCK_CONTENT_FILTER), WF_PROVIDER_ERROR_FILTERED, 1 },
  { "/providers/openrouter/truncated-body", P_OPENROUTER, FALSE, C (WF_MOCK_TRUNCATED_BODY), WF_PROVIDER_ERROR_MALFORMED, 1 },
  { "/providers/openrouter/stream-mid-error", P_OPENROUTER, TRUE, C (WF_MOCK_STREAM_ERROR_CHUNK), WF_PROVIDER_ERROR_RATE_LIMITED, 1, TRUE },
  { "/providers/openrouter/stream-no-terminator", P_OPENROUTER, TRUE, C (WF_MOCK_STREAM_CUT), WF_PROVIDER_ERROR_MALFORMED, 1, TRUE },
  { "/providers/openrouter/401", P_OPENROUTER, FALSE, C (WF_MOCK_401), WF_PROVIDER_ERROR_BAD_KEY, 1 },
  { "/providers/openrouter/402", P_OPENROUTER, FALSE, C (WF_MOCK_402), WF_PROVIDER_ERROR_NO_CREDITS, 1 },
  { "/providers/openrouter/403-moderation", P_OPENROUTER, FALSE, C (WF_MOCK_403_MODERATION), WF_PROVIDER_ERROR_FILTERED, 1 },
  { "/providers/openrouter/429-retry-after-then-ok", P_OPENROUTER, FALSE, C (WF_MOCK_429), -1, 2 },
  { "/providers/openrouter/429-http-date-then-ok", P_OPENROUTER, TRUE, C (WF_MOCK_429_DATE), -1, 2, TRUE },
  { "/providers/openrouter/500-503-then-ok", P_OPENROUTER, FALSE, C (WF_MOCK_500, WF_MOCK_503), -1, 3 },
  { "/providers/openrouter/503-until-give-up", P_OPENROUTER, FALSE,
    C (WF_MOCK_503, WF_MOCK_502, WF_MOCK_503, WF_MOCK_503, WF_MOCK_503), WF_PROVIDER_ERROR_OVERLOADED, 4 },
  { "/providers/openrouter/429-until-give-up", P_OPENROUTER, FALSE,
    C (WF_MOCK_429, WF_MOCK_429, WF_MOCK_429, WF_MOCK_429, WF_MOCK_429), WF_PROVIDER_ERROR_RATE_LIMITED, 4 },
  { "/providers/openrouter/slow-past-deadline", P_OPENROUTER, FALSE, C (WF_MOCK_SLOW), WF_PROVIDER_ERROR_TIMEOUT, 1 },
  { "/providers/openrouter/stream-keepalive-past-deadline", P_OPENROUTER, TRUE, C (WF_MOCK_STREAM_KEEPALIVE), WF_PROVIDER_ERROR_TIMEOUT, 1 },
  { "/providers/openrouter/oversize", P_OPENROUTER, FALSE, C (WF_MOCK_OVERSIZE), WF_PROVIDER_ERROR_TOO_LARGE, 1 },
  { "/providers/openrouter/oversize-chunked", P_OPENROUTER, FALSE, C (WF_MOCK_OVERSIZE_CHUNKED), WF_PROVIDER_ERROR_TOO_LARGE, 1 },
  /* Cohere */
  { "/providers/cohere/malformed-json", P_COHERE, FALSE, C (WF_MOCK_NOT_JSON), WF_PROVIDER_ERROR_MALFORMED, 1 },
  { "/providers/cohere/empty-content", P_COHERE, FALSE, C (WF_MOCK_EMPTY), WF_PROVIDER_ERROR_MALFORMED, 1 },
  { "/providers/cohere/thinking-only", P_COHERE, FALSE, C (WF_MOCK_THINKING_ONLY), WF_PROVIDER_ERROR_MALFORMED, 1 },
  { "/providers/cohere/no-message", P_COHERE, FALSE, C (WF_MOCK_ERROR_IN_200), WF_PROVIDER_ERROR_MALFORMED, 1 },
  { "/providers/cohere/truncated-body", P_COHERE, FALSE, C (WF_MOCK_TRUNCATED_BODY), WF_PROVIDER_ERROR_MALFORMED, 1 },
  { "/providers/cohere/stream-error-end", P_COHERE, TRUE, C (WF_MOCK_STREAM_ERROR_CHUNK), WF_PROVIDER_ERROR_OVERLOADED, 1, TRUE },
  { "/providers/cohere/stream-no-terminator", P_COHERE, TRUE, C (WF_MOCK_STREAM_CUT), WF_PROVIDER_ERROR_MALFORMED, 1, TRUE },
  { "/providers/cohere/401", P_COHERE, FALSE, C (WF_MOCK_401), WF_PROVIDER_ERROR_BAD_KEY, 1 },
  { "/providers/cohere/402", P_COHERE, FALSE, C (WF_MOCK_402), WF_PROVIDER_ERROR_NO_CREDITS, 1 },
  { "/providers/cohere/498-filtered", P_COHERE, FALSE, C (WF_MOCK_CONTENT_FILTER), WF_PROVIDER_ERROR_FILTERED, 1 },
  { "/providers/cohere/429-then-ok", P_COHERE, TRUE, C (WF_MOCK_429), -1, 2, TRUE },
  { "/providers/cohere/500-503-then-ok", P_COHERE, FALSE, C (WF_MOCK_500, WF_MOCK_503), -1, 3 },
  { "/providers/cohere/slow-past-deadline", P_COHERE, FALSE, C (WF_MOCK_SLOW), WF_PROVIDER_ERROR_TIMEOUT, 1 },
  { "/providers/cohere/oversize", P_COHERE, FALSE, C (WF_MOCK_OVERSIZE), WF_PROVIDER_ERROR_TOO_LARGE, 1 },
  /* Local servers */
  { "/providers/ollama/empty-content-length", P_OLLAMA, FALSE, C (WF_MOCK_EMPTY), WF_PROVIDER_ERROR_MALFORMED, 1 },
  { "/providers/ollama/malformed-json", P_OLLAMA, FALSE, C (WF_MOCK_NOT_JSON), WF_PROVIDER_ERROR_MALFORMED, 1 },
  { "/providers/ollama/stream-no-terminator", P_OLLAMA, TRUE, C (WF_MOCK_STREAM_CUT), WF_PROVIDER_ERROR_MALFORMED, 1, TRUE },
  { "/providers/ollama/503-busy-then-ok", P_OLLAMA, FALSE, C (WF_MOCK_503), -1, 2 },
  { "/providers/ollama/429-then-ok", P_OLLAMA, TRUE, C (WF_MOCK_429), -1, 2, TRUE },
  { "/providers/ollama/slow-past-deadline", P_OLLAMA, FALSE, C (WF_MOCK_SLOW), WF_PROVIDER_ERROR_TIMEOUT, 1 },
  { "/providers/llamacpp/401", P_LLAMACPP, FALSE, C (WF_MOCK_401), WF_PROVIDER_ERROR_BAD_KEY, 1 },
  { "/providers/llamacpp/503-loading-until-give-up", P_LLAMACPP, FALSE,
    C (WF_MOCK_503, WF_MOCK_503, WF_MOCK_503, WF_MOCK_503), WF_PROVIDER_ERROR_OVERLOADED, 4 },
  { "/providers/llamacpp/truncated-body", P_LLAMACPP, FALSE, C (WF_MOCK_TRUNCATED_BODY), WF_PROVIDER_ERROR_MALFORMED, 1 },
  { "/providers/llamacpp/stream-keepalive-past-deadline", P_LLAMACPP, TRUE, C (WF_MOCK_STREAM_KEEPALIVE), WF_PROVIDER_ERROR_TIMEOUT, 1 },
  { "/providers/llamacpp/oversize-chunked", P_LLAMACPP, FALSE, C (WF_MOCK_OVERSIZE_CHUNKED), WF_PROVIDER_ERROR_TOO_LARGE, 1 },
};

static void
test_failure (gconstpointer data)
{
  const FailureCase *fc = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WfGenerateResult) result = NULL;
  Fixture f;

  fixture_init (&f, fc->kind);
  if (fc->expect_code == WF_PROVIDER_ERROR_TIMEOUT)
    {
      WfHttpLimits limits;

      test_limits (&limits);
      limits.deadline_ms = 600;
      fixture_set_limits (&f, &limits);
    }
  for (guint i = 0; i < fc->n_cases; i++)
    wf_mock_llm_push (f.mock, fc->cases[i]);

  result = fixture_generate (&f, fc->stream, NULL, &error);
  if (fc->expect_code < 0)
    {
      g_assert_no_error (error);
      g_assert_nonnull (result);
      g_assert_cmpuint (result->attempts, ==, fc->expect_hits);
      g_assert_cmpstr (g_strchomp (result->text), ==, fc->stream ? "import pandas as pd"
                                                                 : "import pandas as pd\nprint(1)");
    }
  else
    {
      g_assert_error (error, WF_PROVIDER_ERROR, fc->expect_code);
      g_assert_null (result);
      g_test_message ("%s: %s", fc->path, error->message);
      g_debug ("%s failed as expected: %s", fc->path, error->message);
      /* A message a person can read, naming who failed, never the key. */
      g_assert_cmpuint (strlen (error->message), >, 20);
      g_assert_null (strstr (error->message, OPENROUTER_KEY));
      g_assert_null (strstr (error->message, COHERE_KEY));
    }
  g_assert_cmpuint (wf_mock_llm_get_hits (f.mock), ==, fc->expect_hits);
  if (fc->expect_deltas)
    g_assert_cmpuint (f.n_deltas, >, 0);
  fixture_clear (&f);
}

/* Idle timeout, connection refused, cancellation, missing key */

static void
test_idle_timeout (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfGenerateResult) result = NULL;
  WfHttpLimits limits;
  Fixture f;

  fixture_init (&f, P_OPENROUTER);
  test_limits (&limits);
  limits.deadline_ms = 10000;
  limits.idle_timeout_ms = 300;
  fixture_set_limits (&f, &limits);
  wf_mock_llm_push (f.mock, WF_MOCK_SLOW);
  result = fixture_generate (&f, FALSE, NULL, &error);
  g_assert_error (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "sent nothing"));
  fixture_clear (&f);
}

static char *
refused_url (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint16 port;

  /* Bind, read the port, close: nothing listens there afterwards. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  return g_strdup_printf ("http://127.0.0.1:%u/v1", port);
}

static void
test_connection_refused (gconstpointer data)
{
  ProviderKind kind = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = make_messages ();
  g_autoptr(WfLlmProvider) provider = NULL;
  g_autoptr(WfGenerateResult) result = NULL;
  g_autofree char *url = refused_url ();
  WfGenerateParams params;
  WfHttpLimits limits;

  test_limits (&limits);
  if (kind == P_COHERE)
    {
      provider = WF_LLM_PROVIDER (wf_provider_cohere_new (url));
      wf_provider_cohere_set_limits (WF_PROVIDER_COHERE (provider), &limits);
    }
  else if (kind == P_OPENROUTER)
    {
      provider = WF_LLM_PROVIDER (wf_provider_openrouter_new (url));
      wf_provider_openrouter_set_limits (WF_PROVIDER_OPENROUTER (provider), &limits);
    }
  else
    {
      provider = WF_LLM_PROVIDER (wf_provider_local_new (url));
      wf_provider_local_set_limits (WF_PROVIDER_LOCAL (provider), &limits);
    }
  wf_generate_params_init (&params);
  result = wf_llm_provider_generate (provider, messages, &params, NULL, &error);
  /* Refused connections are transient: retried, then reported as such. */
  g_assert_error (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "4 attempts"));
  wf_generate_params_clear (&params);
}

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static gpointer
cancel_thread (gpointer data)
{
  g_usleep (150 * 1000);
  cancel_later (data);
  return NULL;
}

static void
test_cancel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(WfGenerateResult) result = NULL;
  GThread *thread;
  Fixture f;

  fixture_init (&f, P_COHERE);
  wf_mock_llm_push (f.mock, WF_MOCK_SLOW);
  /* Cancelled from another thread, as the UI's stop button would. */
  thread = g_thread_new ("cancel", cancel_thread, cancellable);
  result = fixture_generate (&f, TRUE, cancellable, &error);
  g_thread_join (thread);
  g_assert_error (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_CANCELLED);
  fixture_clear (&f);
}

static void
test_missing_key (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfGenerateResult) result = NULL;
  Fixture f;

  /* Without a key nothing may be sent at all. A bus address that does not
   * exist keeps libsecret from finding any keyring. */
  g_unsetenv ("OPENROUTER_API_KEY");
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/whatif-test-bus", TRUE);
  fixture_init (&f, P_OPENROUTER);
  result = fixture_generate (&f, FALSE, NULL, &error);
  g_assert_error (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_NOT_CONFIGURED);
  g_assert_cmpuint (wf_mock_server_count_requests (f.server), ==, 0);
  g_assert_false (wf_llm_provider_is_configured (f.provider));
  fixture_clear (&f);
  g_setenv ("OPENROUTER_API_KEY", OPENROUTER_KEY, TRUE);
}

/* The SSE reader and Retry-After on their own */

typedef struct
{
  GPtrArray *events;
} SseLog;

static gboolean
sse_collect (const char  *event,
             const char  *data,
             gpointer     user_data,
             GError     **error)
{
  SseLog *log = user_data;

  g_ptr_array_add (log->events, g_strdup_printf ("%s|%s", event ? event : "-", data));
  return TRUE;
}

static void
test_sse_parser (void)
{
  const char *input =
    ": OPENROUTER PROCESSING\n\n"
    "data: {\"a\":1}\n\n"
    "event: content-delta\r\ndata: line one\r\ndata: line two\r\n\r\n"
    "id: 7\nretry: 10\ndata:no-space\n\n"
    "data: [DONE]\n\n"
    "data: after-done\n\n";
  g_autoptr(GError) error = NULL;
  SseLog log = { g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(WfSseParser) parser = wf_sse_parser_new (sse_collect, &log);

  /* Fed a byte at a time: events must not depend on chunk borders. */
  for (const char *p = input; *p; p++)
    g_assert_true (wf_sse_parser_feed (parser, p, 1, &error));
  g_assert_true (wf_sse_parser_finish (parser, &error));
  g_assert_no_error (error);
  g_assert_true (wf_sse_parser_is_done (parser));
  g_assert_cmpuint (log.events->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (log.events, 0), ==, "-|{\"a\":1}");
  g_assert_cmpstr (g_ptr_array_index (log.events, 1), ==, "content-delta|line one\nline two");
  g_assert_cmpstr (g_ptr_array_index (log.events, 2), ==, "-|no-space");
  g_ptr_array_unref (log.events);
}

static void
http_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_retry_after_honoured (void)
{
  g_autoptr(WfMockServer) server = wf_mock_server_new ();
  WfMockLlm *mock = wf_mock_openrouter_install (server, WF_MOCK_FLAVOUR_OPENROUTER);
  g_autofree char *url = g_strconcat (wf_mock_server_get_url (server), "/api/v1/chat/completions", NULL);
  static const char json[] = "{\"model\":\"m\",\"messages\":[]}";
  g_autoptr(GBytes) body = g_bytes_new_static (json, strlen (json));
  const char *headers[] = { "Authorization", "Bearer " OPENROUTER_KEY, NULL };
  g_autoptr(WfHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  WfHttpLimits limits;
  WfHttpRequest request = { "OpenRouter", url, headers, body, &limits, NULL, NULL };

  test_limits (&limits);
  /* The first wait (2 s / 4 = 500 ms) is longer than this idle timeout: the
   * idle timer must not run while the client waits as it was told to. */
  wf_http_set_wait_speedup (4);
  limits.idle_timeout_ms = 400;
  wf_mock_llm_push (mock, WF_MOCK_429);
  wf_mock_llm_push (mock, WF_MOCK_429_DATE);
  wf_http_post_json_async (&request, NULL, http_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  response = wf_http_post_json_finish (result, &error);
  g_clear_object (&result);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpuint (response->attempts, ==, 3);
  /* The planned waits (before the test speed-up) are at least what the
   * server asked for: 2 s, then an HTTP date about 2 s ahead (whole seconds,
   * so at least 1 s). */
  g_assert_cmpint (response->waited_ms, >=, 3000);
  g_assert_cmpstr (response->generation_id, ==, "gen-mock-1");
  wf_http_set_wait_speedup (100);
}

static void
test_retry_after_past_deadline (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfGenerateResult) result = NULL;
  WfHttpLimits limits;
  Fixture f;

  /* Real time here: a 2 s Retry-After does not fit in a 1 s deadline, so
   * the client says so at once instead of sleeping into the deadline. */
  wf_http_set_wait_speedup (1);
  fixture_init (&f, P_OPENROUTER);
  test_limits (&limits);
  limits.deadline_ms = 1000;
  fixture_set_limits (&f, &limits);
  wf_mock_llm_push (f.mock, WF_MOCK_429);
  result = fixture_generate (&f, FALSE, NULL, &error);
  g_assert_error (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (error->message, "wait 2 s"));
  g_assert_cmpuint (wf_mock_llm_get_hits (f.mock), ==, 1);
  fixture_clear (&f);
  wf_http_set_wait_speedup (100);
}

static void
test_no_key_in_logs (void)
{
  G_LOCK (captured_logs);
  g_test_message ("%" G_GSIZE_FORMAT " bytes of log captured", captured_logs->len);
  /* The run above logged retries, failures and a server quoting the key. */
  g_assert_cmpuint (captured_logs->len, >, 0);
  g_assert_null (strstr (captured_logs->str, OPENROUTER_KEY));
  g_assert_null (strstr (captured_logs->str, COHERE_KEY));
  G_UNLOCK (captured_logs);
}

static void
test_no_code (gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfGenerateResult) result = NULL;
  Fixture f;

  /* Bad output at the language level is not a transport error: the text
   * goes on to the repair stage, which decides. */
  fixture_init (&f, GPOINTER_TO_INT (data));
  wf_mock_llm_push (f.mock, WF_MOCK_NO_CODE);
  result = fixture_generate (&f, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->text, ==, "Sure! Here is the code:");
  fixture_clear (&f);
}

static void
test_mock_side_endpoints (void)
{
  g_autoptr(WfMockServer) server = wf_mock_server_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *models = NULL;
  g_autofree char *stats = NULL;
  guint statuses[3];
  const char *urls[3];

  /* The model list and generation stats that other modules fetch. */
  wf_mock_openrouter_install (server, WF_MOCK_FLAVOUR_OPENROUTER);
  models = g_strconcat (wf_mock_server_get_url (server), "/api/v1/models", NULL);
  stats = g_strconcat (wf_mock_server_get_url (server), "/api/v1/generation?id=gen-mock-1", NULL);
  urls[0] = models;
  urls[1] = stats;
  urls[2] = stats;
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", urls[i]);
      g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);

      statuses[i] = soup_message_get_status (msg);
      if (i == 0)
        g_assert_nonnull (g_strstr_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                        "\"pricing\""));
    }
  g_assert_cmpuint (statuses[0], ==, 200);
  g_assert_cmpuint (statuses[1], ==, 404);
  g_assert_cmpuint (statuses[2], ==, 200);
}

static void
test_json_depth (void)
{
  g_autofree char *deep = g_strnfill (100000, '[');
  const char *nested = "{\"a\":[1,{\"b\":\"[[[[\"}]}";

  g_assert_true (wf_json_depth_ok (nested, strlen (nested), 3));
  g_assert_false (wf_json_depth_ok (nested, strlen (nested), 2));
  g_assert_false (wf_json_depth_ok ("[[[[1]]]]", 9, 3));
  /* Brackets inside strings, escaped quotes included, do not count. */
  g_assert_true (wf_json_depth_ok ("[\"\\\"[[[[\"]", 10, 1));
  g_assert_false (wf_json_depth_ok (deep, 100000, 64));
}

static void
test_retry_after (void)
{
  gint64 now = 1787392800;   /* 2026-08-22T10:00:00Z */

  g_assert_cmpint (wf_http_parse_retry_after ("2", now), ==, 2000);
  g_assert_cmpint (wf_http_parse_retry_after (" 0 ", now), ==, 0);
  g_assert_cmpint (wf_http_parse_retry_after ("Sat, 22 Aug 2026 10:00:05 GMT", now), ==, 5000);
  g_assert_cmpint (wf_http_parse_retry_after ("Sat, 22 Aug 2026 09:00:00 GMT", now), ==, 0);
  g_assert_cmpint (wf_http_parse_retry_after ("soon", now), ==, -1);
  g_assert_cmpint (wf_http_parse_retry_after ("-5", now), ==, -1);
  g_assert_cmpint (wf_http_parse_retry_after (NULL, now), ==, -1);
  /* Absurd hints are capped at an hour. */
  g_assert_cmpint (wf_http_parse_retry_after ("99999999", now), ==, 3600 * 1000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  captured_logs = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_log_set_debug_enabled (TRUE);

  g_setenv ("OPENROUTER_API_KEY", OPENROUTER_KEY, TRUE);
  g_setenv ("COHERE_API_KEY", COHERE_KEY, TRUE);
  /* Retry-After: 2 becomes 20 ms here; the value is still honoured. */
  wf_http_set_wait_speedup (100);

  for (guint i = 0; i < G_N_ELEMENTS (provider_names); i++)
    {
      g_autofree char *success = g_strdup_printf ("/providers/%s/success", provider_names[i]);
      g_autofree char *stream = g_strdup_printf ("/providers/%s/stream", provider_names[i]);
      g_autofree char *refused = g_strdup_printf ("/providers/%s/connection-refused", provider_names[i]);

      g_test_add_data_func (success, GINT_TO_POINTER (i), test_success);
      g_test_add_data_func (stream, GINT_TO_POINTER (i), test_stream);
      if (i != P_LLAMACPP)
        g_test_add_data_func (refused, GINT_TO_POINTER (i), test_connection_refused);
    }
  for (guint i = 0; i < G_N_ELEMENTS (failures); i++)
    g_test_add_data_func (failures[i].path, &failures[i], test_failure);
  g_test_add_func ("/providers/http/idle-timeout", test_idle_timeout);
  g_test_add_func ("/providers/http/cancel", test_cancel);
  g_test_add_func ("/providers/http/sse-parser", test_sse_parser);
  g_test_add_func ("/providers/http/retry-after", test_retry_after);
  g_test_add_func ("/providers/http/json-depth", test_json_depth);
  g_test_add_func ("/providers/http/mock-side-endpoints", test_mock_side_endpoints);
  g_test_add_data_func ("/providers/openrouter/no-code-is-not-an-error", GINT_TO_POINTER (P_OPENROUTER), test_no_code);
  g_test_add_data_func ("/providers/cohere/no-code-is-not-an-error", GINT_TO_POINTER (P_COHERE), test_no_code);
  g_test_add_data_func ("/providers/ollama/no-code-is-not-an-error", GINT_TO_POINTER (P_OLLAMA), test_no_code);
  g_test_add_func ("/providers/http/retry-after-honoured", test_retry_after_honoured);
  g_test_add_func ("/providers/http/retry-after-past-deadline", test_retry_after_past_deadline);
  /* Last: it changes the environment. */
  g_test_add_func ("/providers/openrouter/missing-key", test_missing_key);
  g_test_add_func ("/providers/zz-no-key-in-logs", test_no_key_in_logs);

  return g_test_run ();
}
