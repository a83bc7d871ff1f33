/* test-sandbox-e2b.c: the E2B backend against an in-process mock of E2B
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The mock speaks E2B's wire format (provider-apis.md §4): POST /sandboxes
 * answers 201 with a sandbox, DELETE /sandboxes/{id} 204 then 404, and POST
 * /execute streams NDJSON. For the code itself the mock behaves like the
 * kernel: it runs what it was sent with the real Python and streams its
 * stdout in small pieces (so lines are split across events, as Jupyter does),
 * stderr, and an `error` line built from the traceback when the code raised.
 * Failures (401, 429, 5xx, a dropped stream, an expired sandbox, a stream that
 * only sends keepalives, a silent one) are written on the raw connection where
 * libsoup's server would not produce them.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "wf-mock-server.h"
#include "wf-sandbox-e2b.h"

typedef enum
{
  MODE_RUN,
  MODE_CREATE_401,
  MODE_CREATE_429,
  MODE_CREATE_503,
  MODE_CREATE_HANG,
  MODE_EXEC_DROP,
  MODE_EXEC_EXPIRED_ONCE,
  MODE_EXEC_EXPIRED_ALWAYS,
  MODE_EXEC_KEEPALIVE,
  MODE_EXEC_SILENT,
  MODE_EXEC_MALFORMED,
  MODE_NO_KEY,
} Mode;

typedef struct
{
  WfMockServer *server;
  Mode          mode;
  GMutex        mutex;
  guint         n_created;
  guint         n_executed;
  GHashTable   *live;         /* sandbox ids not killed yet */
  GPtrArray    *held;         /* (element-type GIOStream) connections kept open */
  WfSandbox    *sandbox;
} Fixture;

static const char *
python_path (void)
{
  const char *python = g_getenv ("WHATIF_SANDBOX_PYTHON");

  return python && *python ? python : "/usr/bin/python3";
}

static void
write_raw (GIOStream  *stream,
           const char *text)
{
  GOutputStream *out = g_io_stream_get_output_stream (stream);

  g_output_stream_write_all (out, text, strlen (text), NULL, NULL, NULL);
  g_output_stream_flush (out, NULL, NULL);
}

static void
write_chunk (GIOStream  *stream,
             const char *text)
{
  g_autofree char *chunk = g_strdup_printf ("%zx\r\n%s\r\n", strlen (text), text);

  write_raw (stream, chunk);
}

static GIOStream *
start_raw_stream (Fixture           *fixture,
                  SoupServerMessage *msg)
{
  GIOStream *stream = soup_server_message_steal_connection (msg);

  write_raw (stream, "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n");
  write_chunk (stream, "{\"type\": \"number_of_executions\", \"execution_count\": 1}\n");

  g_mutex_lock (&fixture->mutex);
  g_ptr_array_add (fixture->held, g_object_ref (stream));
  g_mutex_unlock (&fixture->mutex);

  return stream;
}

static gboolean
keepalive_cb (gpointer user_data)
{
  GIOStream *stream = user_data;
  GOutputStream *out = g_io_stream_get_output_stream (stream);
  const char *chunk = "16\r\n{\"type\": \"keepalive\"}\n\r\n";

  if (g_io_stream_is_closed (stream) ||
      !g_output_stream_write_all (out, chunk, strlen (chunk), NULL, NULL, NULL))
    return G_SOURCE_REMOVE;

  return G_SOURCE_CONTINUE;
}

static void
add_event (GString    *body,
           const char *type,
           const char *member,
           const char *text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  if (member != NULL)
    {
      json_builder_set_member_name (builder, member);
      json_builder_add_string_value (builder, text);
      json_builder_set_member_name (builder, "timestamp");
      json_builder_add_string_value (builder, "2026-08-21T10:00:00.123456Z");
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  g_string_append (body, json);
  g_string_append_c (body, '\n');
}

/* Runs the code as the kernel would and answers with the NDJSON stream. */
static void
reply_run (SoupServerMessage *msg)
{
  SoupMessageBody *request = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) flat = soup_message_body_flatten (request);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GSubprocess) child = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  const char *code;
  gsize len;

  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (flat, NULL),
                                             (gssize) g_bytes_get_size (flat), NULL));
  code = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "code");
  g_assert_nonnull (code);

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE, NULL,
                            python_path (), "-I", "-", NULL);
  g_assert_nonnull (child);
  g_assert_true (g_subprocess_communicate_utf8 (child, code, NULL, &out, &err, NULL));

  g_string_append (body, "{\"type\": \"number_of_executions\", \"execution_count\": 1}\n");
  /* Jupyter sends output in arbitrary pieces: cut it every 37 bytes
   * (on a character boundary). */
  len = strlen (out);
  for (const char *p = out; p < out + len;)
    {
      const char *end = p + MIN (37, (gsize) (out + len - p));
      g_autofree char *piece = NULL;

      while (end < out + len && (*end & 0xC0) == 0x80)
        end++;
      piece = g_strndup (p, end - p);
      add_event (body, "stdout", "text", piece);
      p = end;
    }

  if (g_subprocess_get_exit_status (child) != 0)
    {
      g_auto(GStrv) lines = g_strsplit (g_strstrip (err), "\n", -1);
      const char *last = lines[g_strv_length (lines) - 1];
      const char *colon = strstr (last, ": ");
      g_autofree char *name = colon ? g_strndup (last, colon - last) : g_strdup (last);
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *json = NULL;
      g_autofree char *traceback = g_strconcat ("\x1b[0;31m", err, "\x1b[0m", NULL);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "error");
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, colon ? colon + 2 : "");
      json_builder_set_member_name (builder, "traceback");
      json_builder_add_string_value (builder, traceback);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json = json_to_string (root, FALSE);
      g_string_append_printf (body, "%s\n", json);
    }
  else if (err[0] != '\0')
    add_event (body, "stderr", "text", err);

  g_string_append (body, "{\"type\": \"keepalive\"}\n");
  g_string_append (body, "{\"type\": \"end_of_execution\"}\n");

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/x-ndjson", SOUP_MEMORY_COPY, body->str, body->len);
}

static void
sandboxes_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Fixture *fixture = user_data;
  const char *method = soup_server_message_get_method (msg);

  if (g_str_equal (method, "DELETE") && g_str_has_prefix (path, "/sandboxes/"))
    {
      gboolean known;

      g_mutex_lock (&fixture->mutex);
      known = g_hash_table_remove (fixture->live, path + strlen ("/sandboxes/"));
      g_mutex_unlock (&fixture->mutex);
      if (known)
        soup_server_message_set_status (msg, 204, NULL);
      else
        wf_mock_reply_json (msg, 404, "{\"code\":404,\"message\":\"sandbox not found\"}");
      return;
    }

  if (!g_str_equal (method, "POST") || !g_str_equal (path, "/sandboxes"))
    {
      wf_mock_reply_json (msg, 404, "{\"code\":404,\"message\":\"not found\"}");
      return;
    }

  if (g_strcmp0 (soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "X-API-Key"),
                 "e2b_test_key") != 0)
    {
      wf_mock_reply_json (msg, 401, "{\"code\":401,\"message\":\"Invalid API key\"}");
      return;
    }

  switch (fixture->mode)
    {
    case MODE_CREATE_401:
      wf_mock_reply_json (msg, 401, "{\"code\":401,\"message\":\"Invalid API key, it must start with 'e2b_'\"}");
      return;

    case MODE_CREATE_429:
      soup_message_headers_append (soup_server_message_get_response_headers (msg), "Retry-After", "7");
      wf_mock_reply_json (msg, 429, "{\"code\":429,\"message\":\"Rate limit exceeded, please try again later.\"}");
      return;

    case MODE_CREATE_503:
      wf_mock_reply_json (msg, 503, "{\"code\":503,\"message\":\"no capacity\",\"error_code\":\"sandbox_capacity_unavailable\"}");
      return;

    case MODE_CREATE_HANG:
      {
        GIOStream *stream = soup_server_message_steal_connection (msg);

        g_mutex_lock (&fixture->mutex);
        g_ptr_array_add (fixture->held, stream);
        g_mutex_unlock (&fixture->mutex);
      }
      return;

    case MODE_RUN:
    case MODE_EXEC_DROP:
    case MODE_EXEC_EXPIRED_ONCE:
    case MODE_EXEC_EXPIRED_ALWAYS:
    case MODE_EXEC_KEEPALIVE:
    case MODE_EXEC_SILENT:
    case MODE_EXEC_MALFORMED:
    case MODE_NO_KEY:
    default:
      {
        g_autofree char *id = NULL;
        g_autofree char *reply = NULL;

        g_mutex_lock (&fixture->mutex);
        fixture->n_created++;
        id = g_strdup_printf ("mock%u", fixture->n_created);
        g_hash_table_add (fixture->live, g_strdup (id));
        g_mutex_unlock (&fixture->mutex);

        reply = g_strdup_printf ("{\"sandboxID\":\"%s\",\"templateID\":\"nlhz8vlwyupq845jsdg9\","
                                 "\"alias\":\"code-interpreter-v1\",\"clientID\":\"6532622b\","
                                 "\"envdVersion\":\"0.2.0\",\"envdAccessToken\":\"tok-%s\","
                                 "\"trafficAccessToken\":null,\"domain\":null}", id, id);
        wf_mock_reply_json (msg, 201, reply);
      }
      return;
    }
}

static void
execute_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Fixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *id = soup_message_headers_get_one (headers, "E2b-Sandbox-Id");
  g_autofree char *token = g_strconcat ("tok-", id ? id : "", NULL);
  gboolean live;
  guint n;

  g_mutex_lock (&fixture->mutex);
  live = id != NULL && g_hash_table_contains (fixture->live, id);
  n = ++fixture->n_executed;
  g_mutex_unlock (&fixture->mutex);

  if (!live || g_strcmp0 (soup_message_headers_get_one (headers, "X-Access-Token"), token) != 0)
    {
      wf_mock_reply_json (msg, 502, "{\"sandboxId\":\"unknown\",\"message\":\"The sandbox was not found\",\"code\":502}");
      return;
    }

  switch (fixture->mode)
    {
    case MODE_EXEC_EXPIRED_ONCE:
      if (n == 1)
        {
          wf_mock_reply_json (msg, 404, "{\"code\":404,\"message\":\"sandbox not found\"}");
          return;
        }
      reply_run (msg);
      return;

    case MODE_EXEC_EXPIRED_ALWAYS:
      wf_mock_reply_json (msg, 502, "{\"sandboxId\":\"mock1\",\"message\":\"The sandbox was not found\",\"code\":502}");
      return;

    case MODE_EXEC_DROP:
      {
        GIOStream *stream = start_raw_stream (fixture, msg);

        write_chunk (stream, "{\"type\": \"stdout\", \"text\": \"partial output\\n\", \"timestamp\": \"2026-08-21T10:00:00Z\"}\n");
        g_io_stream_close (stream, NULL, NULL);
        g_object_unref (stream);
      }
      return;

    case MODE_EXEC_KEEPALIVE:
      {
        GIOStream *stream = start_raw_stream (fixture, msg);
        GSource *source = g_timeout_source_new (200);

        g_source_set_callback (source, keepalive_cb, stream, g_object_unref);
        g_source_attach (source, wf_mock_server_get_context (fixture->server));
        g_source_unref (source);
      }
      return;

    case MODE_EXEC_SILENT:
      g_object_unref (start_raw_stream (fixture, msg));
      return;

    case MODE_EXEC_MALFORMED:
      {
        const char *body =
          "{\"type\": \"stdout\", \"text\": \"ok\\n\"}\n"
          "{\"type\": \"stdout\", \"te\n"
          "{\"type\": \"end_of_execution\"}\n";

        soup_server_message_set_status (msg, 200, NULL);
        soup_server_message_set_response (msg, "application/x-ndjson", SOUP_MEMORY_STATIC, body, strlen (body));
      }
      return;

    case MODE_RUN:
    case MODE_CREATE_401:
    case MODE_CREATE_429:
    case MODE_CREATE_503:
    case MODE_CREATE_HANG:
    case MODE_NO_KEY:
    default:
      reply_run (msg);
      return;
    }
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{

  g_mutex_init (&fixture->mutex);
  fixture->mode = GPOINTER_TO_INT (data);

  /* Before any thread exists: setenv is not thread-safe. */
  if (fixture->mode == MODE_NO_KEY)
    g_unsetenv ("E2B_API_KEY");
  else
    g_setenv ("E2B_API_KEY", "e2b_test_key", TRUE);

  fixture->live = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fixture->held = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->server = wf_mock_server_new ();
  wf_mock_server_add_handler (fixture->server, "/sandboxes", sandboxes_cb, fixture, NULL);
  wf_mock_server_add_handler (fixture->server, "/execute", execute_cb, fixture, NULL);

  fixture->sandbox = g_object_new (WF_TYPE_SANDBOX_E2B,
                                   "api-url", wf_mock_server_get_url (fixture->server),
                                   "sandbox-url", wf_mock_server_get_url (fixture->server),
                                   "request-timeout", 5u,
                                   NULL);
}

static gboolean
close_held (gpointer user_data)
{
  Fixture *fixture = user_data;

  g_mutex_lock (&fixture->mutex);
  for (guint i = 0; i < fixture->held->len; i++)
    g_io_stream_close (g_ptr_array_index (fixture->held, i), NULL, NULL);
  g_mutex_unlock (&fixture->mutex);

  return G_SOURCE_REMOVE;
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->sandbox);
  g_main_context_invoke (wf_mock_server_get_context (fixture->server), close_held, fixture);
  g_clear_pointer (&fixture->server, wf_mock_server_free);
  g_ptr_array_unref (fixture->held);
  g_hash_table_unref (fixture->live);
  g_mutex_clear (&fixture->mutex);
}

static WfJob *
python_job (const char *code)
{
  return wf_job_new (WF_JOB_RUN, "python", code);
}

static guint
count_requests (Fixture    *fixture,
                const char *method,
                const char *path_prefix)
{
  g_autoptr(GPtrArray) requests = wf_mock_server_dup_requests (fixture->server);
  guint n = 0;

  for (guint i = 0; i < requests->len; i++)
    {
      WfMockRequest *r = g_ptr_array_index (requests, i);

      if (g_str_equal (r->method, method) && g_str_has_prefix (r->path, path_prefix))
        n++;
    }

  return n;
}

static void
assert_all_killed (Fixture *fixture)
{
  g_mutex_lock (&fixture->mutex);
  g_assert_cmpuint (g_hash_table_size (fixture->live), ==, 0);
  g_mutex_unlock (&fixture->mutex);
}

static void
test_success (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(WfJob) job = python_job (
    "import whatif as wf\n"
    "import pandas as pd\n"
    "rate = wf.param('Interest rate', 5.0, kind='percent', min=0, max=20, step=0.5)\n"
    "years = wf.param('Years', 5, kind='years')\n"
    "print('héllo wörld')\n"
    "print('no newline', end='')\n"
    "wf.metric('Monthly payment', 123.456, unit='USD')\n"
    "wf.metric('Undefined', float('nan'))\n"
    "wf.chart('line', 'Balance', [1, 2, 3], {'balance': [3.0, 2.0, float('nan')]})\n"
    "wf.table('plain', [[1, 'a'], [2, 'b']], columns=['n', 's'])\n"
    "result = pd.DataFrame({'month': [1, 2], 'balance': [100.5, 50.25]})\n"
    "print('rate', rate, 'years', years)\n"
    "import sys; print('warn', file=sys.stderr)\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) result = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  WfTable *table;
  WfMetric *metric;
  WfParam *param;
  WfChart *chart;

  wf_job_set_override (job, "Interest rate", 7.5);
  result = wf_sandbox_run (fixture->sandbox, job, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);

  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_OK);
  g_assert_cmpint (result->exit_code, ==, 0);
  g_assert_cmpstr (result->backend, ==, "e2b");
  g_assert_cmpstr (result->stdout_text, ==, "héllo wörld\nno newline\nrate 7.5 years 5\n");
  g_assert_cmpstr (result->stderr_text, ==, "warn\n");
  g_assert_null (result->error_message);

  g_assert_cmpuint (result->params->len, ==, 2);
  param = g_ptr_array_index (result->params, 0);
  g_assert_cmpstr (param->label, ==, "Interest rate");
  g_assert_cmpstr (param->kind, ==, "percent");
  g_assert_cmpfloat (param->value, ==, 7.5);
  g_assert_cmpfloat (param->max, ==, 20.0);
  g_assert_cmpfloat (param->step, ==, 0.5);
  param = g_ptr_array_index (result->params, 1);
  g_assert_cmpfloat (param->value, ==, 5.0);
  g_assert_true (isnan (param->min));

  g_assert_cmpuint (result->metrics->len, ==, 2);
  metric = g_ptr_array_index (result->metrics, 0);
  g_assert_cmpstr (metric->name, ==, "Monthly payment");
  g_assert_cmpfloat_with_epsilon (metric->value, 123.456, 1e-9);
  g_assert_cmpstr (metric->unit, ==, "USD");
  metric = g_ptr_array_index (result->metrics, 1);
  g_assert_true (isnan (metric->value));

  g_assert_cmpuint (result->charts->len, ==, 1);
  chart = g_ptr_array_index (result->charts, 0);
  g_assert_cmpstr (chart->kind, ==, "line");
  g_assert_cmpuint (chart->x->len, ==, 3);
  g_assert_cmpuint (chart->series->len, ==, 1);

  g_assert_cmpuint (result->tables->len, ==, 2);
  table = g_ptr_array_index (result->tables, 0);
  g_assert_cmpstr (table->name, ==, "plain");
  g_assert_cmpuint (wf_table_get_n_rows (table), ==, 2);
  table = g_ptr_array_index (result->tables, 1);
  g_assert_cmpstr (table->name, ==, "result");
  g_assert_cmpuint (table->columns->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (table->columns, 1), ==, "balance");
  g_assert_cmpfloat (json_array_get_double_element (json_array_get_array_element (table->rows, 1), 1), ==, 50.25);

  /* The wire: the key, the template, no internet, the sandbox headers. */
  requests = wf_mock_server_dup_requests (fixture->server);
  g_assert_cmpuint (requests->len, ==, 3);
  {
    WfMockRequest *create = g_ptr_array_index (requests, 0);
    WfMockRequest *execute = g_ptr_array_index (requests, 1);
    WfMockRequest *kill = g_ptr_array_index (requests, 2);
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *body;

    g_assert_cmpstr (create->method, ==, "POST");
    g_assert_cmpstr (create->path, ==, "/sandboxes");
    g_assert_cmpstr (soup_message_headers_get_one (create->headers, "X-API-Key"), ==, "e2b_test_key");
    g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (create->body, NULL),
                                               (gssize) g_bytes_get_size (create->body), NULL));
    body = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpstr (json_object_get_string_member (body, "templateID"), ==, "code-interpreter-v1");
    g_assert_false (json_object_get_boolean_member (body, "allow_internet_access"));
    g_assert_cmpint (json_object_get_int_member (body, "timeout"), >=, 30);

    g_assert_cmpstr (execute->path, ==, "/execute");
    g_assert_cmpstr (soup_message_headers_get_one (execute->headers, "E2b-Sandbox-Id"), ==, "mock1");
    g_assert_cmpstr (soup_message_headers_get_one (execute->headers, "E2b-Sandbox-Port"), ==, "49999");
    g_assert_cmpstr (soup_message_headers_get_one (execute->headers, "X-Access-Token"), ==, "tok-mock1");
    /* The key goes to the control plane only, never into the sandbox. */
    g_assert_null (soup_message_headers_get_one (execute->headers, "X-API-Key"));
    g_assert_null (g_strstr_len (g_bytes_get_data (execute->body, NULL), g_bytes_get_size (execute->body), "e2b_test_key"));

    g_assert_cmpstr (kill->method, ==, "DELETE");
    g_assert_cmpstr (kill->path, ==, "/sandboxes/mock1");
  }
  assert_all_killed (fixture);
}

static void
test_code_error (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(WfJob) job = python_job ("print('before')\nraise ValueError('bad input')\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) result = NULL;

  result = wf_sandbox_run (fixture->sandbox, job, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_ERROR);
  g_assert_cmpint (result->exit_code, ==, 1);
  g_assert_cmpstr (result->error_message, ==, "ValueError: bad input");
  g_assert_cmpstr (result->stdout_text, ==, "before\n");
  g_assert_nonnull (strstr (result->stderr_text, "Traceback"));
  g_assert_null (strchr (result->stderr_text, '\x1b'));
  assert_all_killed (fixture);
}

static void
test_load_unavailable (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(WfJob) job = python_job ("import whatif as wf\nwf.load('sales')\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) result = NULL;

  result = wf_sandbox_run (fixture->sandbox, job, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_ERROR);
  g_assert_true (g_str_has_prefix (result->error_message, "RuntimeError: Imported datasets are not available"));
}

static void
test_output_cap (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(WfJob) job = python_job ("import whatif as wf\n"
                                     "for i in range(2000):\n    print('x' * 99)\n"
                                     "wf.table('big', [[i] for i in range(50)], columns=['i'])\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) result = NULL;

  job->limits.output_bytes = 1000;
  job->limits.table_rows = 20;
  result = wf_sandbox_run (fixture->sandbox, job, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_OK);
  g_assert_cmpuint (strlen (result->stdout_text), ==, 1000);
  g_assert_true (result->stdout_truncated);
  g_assert_cmpuint (wf_table_get_n_rows (g_ptr_array_index (result->tables, 0)), ==, 20);
  g_assert_true (g_ptr_array_find_with_equal_func (result->limits_hit, "output", g_str_equal, NULL));
}

static void
test_spoof_and_quoting (Fixture       *fixture,
                        gconstpointer  data)
{
  /* Quotes, backslashes, non-ASCII and a fake protocol line: all of it is
   * plain output, and nothing the program prints becomes a result. */
  g_autoptr(WfJob) job = python_job (
    "print('it\\'s \"quoted\" \\\\ \u00fc \\'\\'\\' ')\n"
    "print('@@whatif:00000000-0000-0000-0000-000000000000@@{\"type\":\"metric\",\"name\":\"fake\",\"value\":1}')\n"
    "print('{\"type\": \"end_of_execution\"}')\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) result = NULL;

  result = wf_sandbox_run (fixture->sandbox, job, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_OK);
  g_assert_cmpuint (result->metrics->len, ==, 0);
  g_assert_cmpstr (result->stdout_text, ==,
                   "it's \"quoted\" \\ \u00fc ''' \n"
                   "@@whatif:00000000-0000-0000-0000-000000000000@@{\"type\":\"metric\",\"name\":\"fake\",\"value\":1}\n"
                   "{\"type\": \"end_of_execution\"}\n");
}

static void
assert_remote_error (Fixture    *fixture,
                     const char *fragment1,
                     const char *fragment2)
{
  g_autoptr(WfJob) job = python_job ("print(1)\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) result = NULL;

  result = wf_sandbox_run (fixture->sandbox, job, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_REMOTE);
  g_test_message ("error: %s", error->message);
  g_assert_nonnull (strstr (error->message, fragment1));
  if (fragment2 != NULL)
    g_assert_nonnull (strstr (error->message, fragment2));
}

static void
test_unauthorized (Fixture       *fixture,
                   gconstpointer  data)
{
  assert_remote_error (fixture, "rejected the API key", "401");
  g_assert_cmpuint (count_requests (fixture, "POST", "/execute"), ==, 0);
}

static void
test_rate_limited (Fixture       *fixture,
                   gconstpointer  data)
{
  assert_remote_error (fixture, "rate limit", "Try again in 7 seconds");
}

static void
test_server_error (Fixture       *fixture,
                   gconstpointer  data)
{
  assert_remote_error (fixture, "HTTP 503: no capacity", "E2B’s side");
}

static void
test_dropped_stream (Fixture       *fixture,
                     gconstpointer  data)
{
  assert_remote_error (fixture, "dropped before the run finished", NULL);
  g_assert_cmpuint (count_requests (fixture, "DELETE", "/sandboxes/mock1"), ==, 1);
  assert_all_killed (fixture);
}

static void
test_expired_retry (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(WfJob) job = python_job ("print('second try')\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) result = NULL;

  result = wf_sandbox_run (fixture->sandbox, job, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_OK);
  g_assert_cmpstr (result->stdout_text, ==, "second try\n");
  g_assert_cmpuint (count_requests (fixture, "POST", "/sandboxes"), ==, 2);
  g_assert_cmpuint (count_requests (fixture, "DELETE", "/sandboxes/"), ==, 2);
  assert_all_killed (fixture);
}

static void
test_expired_always (Fixture       *fixture,
                     gconstpointer  data)
{
  assert_remote_error (fixture, "expired or was not found", "502");
  /* One retry on a fresh sandbox, no more. */
  g_assert_cmpuint (count_requests (fixture, "POST", "/sandboxes"), ==, 2);
  assert_all_killed (fixture);
}

static void
test_wall_timeout (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(WfJob) job = python_job ("while True: pass\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) result = NULL;

  job->limits.wall_ms = 1200;
  result = wf_sandbox_run (fixture->sandbox, job, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_TIMEOUT);
  g_assert_cmpint (result->wall_ms, >=, 1200);
  g_assert_true (g_ptr_array_find_with_equal_func (result->limits_hit, "wall", g_str_equal, NULL));
  g_assert_nonnull (result->error_message);
  assert_all_killed (fixture);
}

static void
test_idle_timeout (Fixture       *fixture,
                   gconstpointer  data)
{
  g_object_set (fixture->sandbox, "request-timeout", 1u, NULL);
  assert_remote_error (fixture, "stopped answering", NULL);
  assert_all_killed (fixture);
}

static void
test_create_timeout (Fixture       *fixture,
                     gconstpointer  data)
{
  g_object_set (fixture->sandbox, "request-timeout", 1u, NULL);
  assert_remote_error (fixture, "stopped answering", NULL);
}

static void
test_malformed (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(WfJob) job = python_job ("print(1)\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) result = NULL;

  result = wf_sandbox_run (fixture->sandbox, job, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL);
  assert_all_killed (fixture);
}

static void
test_no_key (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(WfJob) job = python_job ("print(1)\n");
  g_autoptr(GError) error = NULL;

  g_assert_false (wf_sandbox_is_available (fixture->sandbox, &error));
  g_assert_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE);
  g_clear_error (&error);

  g_assert_null (wf_sandbox_run (fixture->sandbox, job, NULL, NULL, NULL, &error));
  g_assert_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE);
  g_assert_cmpuint (wf_mock_server_count_requests (fixture->server), ==, 0);
}

static void
test_refuses_sql (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "sql", "SELECT 1");
  g_autoptr(GError) error = NULL;

  g_assert_null (wf_sandbox_run (fixture->sandbox, job, NULL, NULL, NULL, &error));
  g_assert_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_INVALID);
  g_assert_cmpuint (wf_mock_server_count_requests (fixture->server), ==, 0);
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (500 * G_TIME_SPAN_MILLISECOND);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(WfJob) job = python_job ("while True: pass\n");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GThread *thread;

  thread = g_thread_new ("cancel", cancel_later, cancellable);
  g_assert_null (wf_sandbox_run (fixture->sandbox, job, NULL, NULL, cancellable, &error));
  g_thread_join (thread);
  g_assert_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_CANCELLED);
  assert_all_killed (fixture);
}

static void
add (const char *path,
     Mode        mode,
     void      (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, GINT_TO_POINTER (mode), fixture_setup, func, fixture_teardown);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  add ("/sandbox-e2b/success", MODE_RUN, test_success);
  add ("/sandbox-e2b/code-error", MODE_RUN, test_code_error);
  add ("/sandbox-e2b/load-unavailable", MODE_RUN, test_load_unavailable);
  add ("/sandbox-e2b/output-cap", MODE_RUN, test_output_cap);
  add ("/sandbox-e2b/spoof-and-quoting", MODE_RUN, test_spoof_and_quoting);
  add ("/sandbox-e2b/unauthorized", MODE_CREATE_401, test_unauthorized);
  add ("/sandbox-e2b/rate-limited", MODE_CREATE_429, test_rate_limited);
  add ("/sandbox-e2b/server-error", MODE_CREATE_503, test_server_error);
  add ("/sandbox-e2b/dropped-stream", MODE_EXEC_DROP, test_dropped_stream);
  add ("/sandbox-e2b/expired-retry", MODE_EXEC_EXPIRED_ONCE, test_expired_retry);
  add ("/sandbox-e2b/expired-always", MODE_EXEC_EXPIRED_ALWAYS, test_expired_always);
  add ("/sandbox-e2b/wall-timeout", MODE_EXEC_KEEPALIVE, test_wall_timeout);
  add ("/sandbox-e2b/idle-timeout", MODE_EXEC_SILENT, test_idle_timeout);
  add ("/sandbox-e2b/create-timeout", MODE_CREATE_HANG, test_create_timeout);
  add ("/sandbox-e2b/malformed-stream", MODE_EXEC_MALFORMED, test_malformed);
  add ("/sandbox-e2b/no-key", MODE_NO_KEY, test_no_key);
  add ("/sandbox-e2b/refuses-sql", MODE_RUN, test_refuses_sql);
  add ("/sandbox-e2b/cancel", MODE_EXEC_KEEPALIVE, test_cancel);

  return g_test_run ();
}
