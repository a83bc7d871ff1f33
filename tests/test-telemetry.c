/* test-telemetry.c: cost spans, the OTLP/HTTP JSON shape as a mock collector
 * receives it, and the outbox through restarts, offline periods, 429, 400,
 * 401, 5xx and partial success
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "wf-mock-server.h"
#include "wf-store.h"
#include "wf-telemetry.h"

/* A scripted collector: each request takes the next reply, then 200 {}. */
typedef struct
{
  guint  status;
  char  *body;
  char  *retry_after;
} Reply;

typedef struct
{
  GMutex  mutex;
  GQueue  replies;
  GSList *paused;     /* messages a "never answers" reply left hanging */
} Script;

typedef struct
{
  WfMockServer        *server;
  Script               script;
  WfStore             *store;
  WfTelemetryExporter *exporter;
  char                *db_path;
  gint64               base;
  gint64               offset;
} Fixture;

static void
reply_free (Reply *reply)
{
  g_free (reply->body);
  g_free (reply->retry_after);
  g_free (reply);
}

static void
script_push (Fixture    *f,
             guint       status,
             const char *body,
             const char *retry_after)
{
  Reply *reply = g_new0 (Reply, 1);

  reply->status = status;
  reply->body = g_strdup (body);
  reply->retry_after = g_strdup (retry_after);
  g_mutex_lock (&f->script.mutex);
  g_queue_push_tail (&f->script.replies, reply);
  g_mutex_unlock (&f->script.mutex);
}

static void
collector_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Script *script = user_data;
  Reply *reply;

  g_mutex_lock (&script->mutex);
  reply = g_queue_pop_head (&script->replies);
  g_mutex_unlock (&script->mutex);

  if (reply == NULL)
    {
      wf_mock_reply_json (msg, 200, "{}");
      return;
    }
  if (reply->status == 0)
    {
      /* Read the body, never answer. */
      soup_server_message_pause (msg);
      g_mutex_lock (&script->mutex);
      script->paused = g_slist_prepend (script->paused, g_object_ref (msg));
      g_mutex_unlock (&script->mutex);
      reply_free (reply);
      return;
    }
  if (reply->retry_after)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Retry-After", reply->retry_after);
  if (reply->body)
    wf_mock_reply_json (msg, reply->status, reply->body);
  else
    soup_server_message_set_status (msg, reply->status, NULL);
  reply_free (reply);
}

static gint64
fixture_clock (gpointer user_data)
{
  Fixture *f = user_data;
  return f->base + f->offset;
}

static void
open_exporter (Fixture    *f,
               const char *url)
{
  g_autoptr(GError) error = NULL;

  f->store = wf_store_open (f->db_path, &error);
  g_assert_no_error (error);
  f->exporter = wf_telemetry_exporter_new (f->store);
  wf_telemetry_exporter_set_clock (f->exporter, fixture_clock, f);
  wf_telemetry_exporter_set_timeout (f->exporter, 5);
  if (url != NULL)
    {
      g_assert_true (wf_telemetry_exporter_set_endpoint (f->exporter, url, &error));
      g_assert_no_error (error);
    }
}

static void
close_exporter (Fixture *f)
{
  g_clear_object (&f->exporter);
  g_clear_object (&f->store);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_mutex_init (&f->script.mutex);
  g_queue_init (&f->script.replies);
  f->server = wf_mock_server_new ();
  wf_mock_server_add_handler (f->server, "/", collector_cb, &f->script, NULL);
  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  f->db_path = g_build_filename (g_get_user_data_dir (), "telemetry.db", NULL);
  /* A second ahead of the real clock, so that freshly queued items are due. */
  f->base = g_get_real_time () + G_USEC_PER_SEC;
  open_exporter (f, wf_mock_server_get_url (f->server));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  close_exporter (f);
  wf_mock_server_free (f->server);
  g_slist_free_full (f->script.paused, g_object_unref);
  g_queue_clear_full (&f->script.replies, (GDestroyNotify) reply_free);
  g_mutex_clear (&f->script.mutex);
  g_free (f->db_path);
}

static GPtrArray *
make_spans (const char *model,
            gint64      in,
            gint64      out)
{
  GPtrArray *spans = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_cost_span_free);
  WfCostSpan *span;

  span = wf_telemetry_span_begin ("classify");
  wf_telemetry_span_end (span, "ok");
  g_ptr_array_add (spans, span);

  span = wf_telemetry_span_begin ("generate");
  wf_telemetry_span_set_llm (span, "openrouter", model, in, out, 950, FALSE);
  wf_telemetry_span_end (span, "ok");
  g_ptr_array_add (spans, span);

  span = wf_telemetry_span_begin ("execute");
  wf_telemetry_span_set_sandbox (span, 1.5, 20);
  wf_telemetry_span_end (span, "timeout");
  g_ptr_array_add (spans, span);

  return spans;
}

static void
enqueue_run (Fixture    *f,
             const char *run_key)
{
  g_autoptr(GPtrArray) spans = make_spans ("openai/gpt-4o", 194, 2);
  g_autoptr(GError) error = NULL;

  g_assert_true (wf_telemetry_exporter_enqueue_run (f->exporter, run_key, 7, spans, &error));
  g_assert_no_error (error);
}

static WfTelemetryFlushReport
flush_ok (Fixture *f)
{
  WfTelemetryFlushReport report;
  g_autoptr(GError) error = NULL;

  g_assert_true (wf_telemetry_exporter_flush (f->exporter, NULL, &report, &error));
  g_assert_no_error (error);
  return report;
}

static char *
free_port_url (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  /* Nothing listens there now: connection refused. */
  return g_strdup_printf ("http://127.0.0.1:%u", port);
}

static const char *
body_text (WfMockRequest *request,
           gsize         *out_len)
{
  return g_bytes_get_data (request->body, out_len);
}

/* Finds an attribute's value object in an OTLP attribute list. */
static JsonObject *
find_attr (JsonArray  *attrs,
           const char *key)
{
  for (guint i = 0; i < json_array_get_length (attrs); i++)
    {
      JsonObject *attr = json_array_get_object_element (attrs, i);

      if (g_strcmp0 (json_object_get_string_member (attr, "key"), key) == 0)
        return json_object_get_object_member (attr, "value");
    }
  return NULL;
}

static gboolean
is_hex (const char *s,
        gsize       len)
{
  if (s == NULL || strlen (s) != len || strspn (s, "0") == len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (s[i]) || g_ascii_isupper (s[i]))
      return FALSE;
  return TRUE;
}

/* Checks the shape a collector (and Langfuse) needs; returns the trace id. */
static char *
check_otlp (const char *json,
            gssize      len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *rs, *ss;
  JsonArray *spans, *attrs;
  const char *trace_id, *root_id;
  JsonObject *root_span, *llm = NULL, *exec = NULL;

  g_assert_true (json_parser_load_from_data (parser, json, len, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  rs = json_array_get_object_element (json_object_get_array_member (root, "resourceSpans"), 0);
  attrs = json_object_get_array_member (json_object_get_object_member (rs, "resource"), "attributes");
  g_assert_cmpstr (json_object_get_string_member (find_attr (attrs, "service.name"), "stringValue"),
                   ==, "whatif-desktop");
  ss = json_array_get_object_element (json_object_get_array_member (rs, "scopeSpans"), 0);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (ss, "scope"), "name"),
                   ==, "whatif");
  spans = json_object_get_array_member (ss, "spans");
  /* One root span and one per stage. */
  g_assert_cmpuint (json_array_get_length (spans), ==, 4);

  root_span = json_array_get_object_element (spans, 0);
  trace_id = json_object_get_string_member (root_span, "traceId");
  root_id = json_object_get_string_member (root_span, "spanId");
  g_assert_true (is_hex (trace_id, 32));
  g_assert_true (is_hex (root_id, 16));
  g_assert_false (json_object_has_member (root_span, "parentSpanId"));
  g_assert_cmpstr (json_object_get_string_member (root_span, "name"), ==, "whatif.run");
  /* A stage failed (timeout): the run is an error too. */
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root_span, "status"), "code"), ==, 2);

  for (guint i = 1; i < json_array_get_length (spans); i++)
    {
      JsonObject *span = json_array_get_object_element (spans, i);
      JsonNode *start = json_object_get_member (span, "startTimeUnixNano");
      const char *name = json_object_get_string_member (span, "name");

      g_assert_cmpstr (json_object_get_string_member (span, "traceId"), ==, trace_id);
      g_assert_cmpstr (json_object_get_string_member (span, "parentSpanId"), ==, root_id);
      g_assert_true (is_hex (json_object_get_string_member (span, "spanId"), 16));
      g_assert_cmpstr (json_object_get_string_member (span, "spanId"), !=, root_id);
      /* 64-bit integers are decimal strings. */
      g_assert_cmpint (json_node_get_value_type (start), ==, G_TYPE_STRING);
      g_assert_true (g_str_has_suffix (json_node_get_string (start), "000"));
      attrs = json_object_get_array_member (span, "attributes");
      g_assert_nonnull (find_attr (attrs, "session.id"));
      g_assert_nonnull (find_attr (attrs, "langfuse.trace.name"));
      if (g_strcmp0 (name, "llm.generate") == 0)
        llm = span;
      else if (g_strcmp0 (name, "whatif.execute") == 0)
        exec = span;
    }

  g_assert_nonnull (llm);
  g_assert_cmpint (json_object_get_int_member (llm, "kind"), ==, 3);
  attrs = json_object_get_array_member (llm, "attributes");
  g_assert_cmpstr (json_object_get_string_member (find_attr (attrs, "gen_ai.operation.name"), "stringValue"), ==, "chat");
  g_assert_cmpstr (json_object_get_string_member (find_attr (attrs, "gen_ai.provider.name"), "stringValue"), ==, "openrouter");
  g_assert_cmpstr (json_object_get_string_member (find_attr (attrs, "gen_ai.request.model"), "stringValue"), ==, "openai/gpt-4o");
  g_assert_cmpstr (json_object_get_string_member (find_attr (attrs, "gen_ai.usage.input_tokens"), "intValue"), ==, "194");
  g_assert_cmpstr (json_object_get_string_member (find_attr (attrs, "gen_ai.usage.output_tokens"), "intValue"), ==, "2");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (find_attr (attrs, "gen_ai.usage.cost"), "doubleValue"),
                                  0.00095, 1e-12);
  g_assert_null (find_attr (attrs, "gen_ai.system"));     /* deprecated: never sent */
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (llm, "status"), "code"), ==, 1);

  g_assert_nonnull (exec);
  attrs = json_object_get_array_member (exec, "attributes");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (find_attr (attrs, "whatif.sandbox.seconds"), "doubleValue"),
                                  1.5, 1e-9);
  g_assert_cmpstr (json_object_get_string_member (find_attr (attrs, "error.type"), "stringValue"), ==, "timeout");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (exec, "status"), "code"), ==, 2);

  return g_strdup (trace_id);
}

static void
test_spans (void)
{
  g_autoptr(GPtrArray) spans = make_spans ("m", 10, 20);
  WfCostSpan *gen = spans->pdata[1];
  WfCostSpan *exec = spans->pdata[2];
  gboolean estimated = TRUE;

  g_assert_cmpstr (gen->stage, ==, "generate");
  g_assert_cmpint (gen->start_us, >, 0);
  g_assert_cmpint (gen->duration_us, >=, 0);
  g_assert_cmpint (gen->llm_micros, ==, 950);
  g_assert_cmpint (gen->total_micros, ==, 950);
  g_assert_cmpint (exec->sandbox_micros, ==, 30);   /* 1.5 s × 20 µ$ */
  g_assert_cmpstr (exec->outcome, ==, "timeout");
  g_assert_cmpint (wf_telemetry_spans_total (spans, &estimated), ==, 980);
  g_assert_false (estimated);

  /* Negative and non-finite inputs never make a negative or NaN cost. */
  wf_telemetry_span_set_llm (gen, "cohere", "c", -5, -6, -7, TRUE);
  g_assert_cmpint (gen->input_tokens, ==, 0);
  g_assert_cmpint (gen->llm_micros, ==, 0);
  wf_telemetry_span_set_sandbox (exec, NAN, 20);
  g_assert_cmpint (exec->sandbox_micros, ==, 0);
  g_assert_cmpint (wf_telemetry_spans_total (spans, &estimated), ==, 0);
  g_assert_true (estimated);
}

static void
test_otlp_shape (void)
{
  g_autoptr(GPtrArray) spans = make_spans ("openai/gpt-4o", 194, 2);
  g_autoptr(GPtrArray) empty = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *trace_a = NULL;
  g_autofree char *trace_c = NULL;

  a = wf_telemetry_build_otlp_json ("run:1", 7, spans, &error);
  g_assert_no_error (error);
  trace_a = check_otlp (a, -1);
  /* The same run is the same trace; another run is another. */
  b = wf_telemetry_build_otlp_json ("run:1", 7, spans, &error);
  g_assert_cmpstr (a, ==, b);
  c = wf_telemetry_build_otlp_json ("run:2", 7, spans, &error);
  trace_c = check_otlp (c, -1);
  g_assert_cmpstr (trace_a, !=, trace_c);

  /* Never an envelope without spans. */
  g_assert_null (wf_telemetry_build_otlp_json ("run:3", 7, empty, &error));
  g_assert_error (error, WF_TELEMETRY_ERROR, WF_TELEMETRY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (wf_telemetry_build_otlp_json (NULL, 7, spans, &error));
  g_assert_error (error, WF_TELEMETRY_ERROR, WF_TELEMETRY_ERROR_INVALID);
}

static void
test_headers (void)
{
  g_autoptr(GPtrArray) pairs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *url = NULL;

  pairs = wf_telemetry_parse_headers ("Authorization=Basic%20cGs6c2s=, x-tenant = acme ,x-sp=a b", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pairs->len, ==, 6);
  g_assert_cmpstr (pairs->pdata[0], ==, "Authorization");
  g_assert_cmpstr (pairs->pdata[1], ==, "Basic cGs6c2s=");
  g_assert_cmpstr (pairs->pdata[2], ==, "x-tenant");
  g_assert_cmpstr (pairs->pdata[3], ==, "acme");
  g_assert_cmpstr (pairs->pdata[5], ==, "a b");
  g_clear_pointer (&pairs, g_ptr_array_unref);

  /* Header injection and junk are refused, without echoing the value. */
  pairs = wf_telemetry_parse_headers ("a=b%0d%0aX-Evil: 1", &error);
  g_assert_null (pairs);
  g_assert_error (error, WF_TELEMETRY_ERROR, WF_TELEMETRY_ERROR_INVALID);
  g_assert_null (strstr (error->message, "Evil"));
  g_clear_error (&error);
  pairs = wf_telemetry_parse_headers ("novalue", &error);
  g_assert_null (pairs);
  g_clear_error (&error);
  pairs = wf_telemetry_parse_headers ("bad name=1", &error);
  g_assert_null (pairs);
  g_clear_error (&error);

  auth = wf_telemetry_basic_auth ("pk-lf-1", "sk-lf-1");
  g_assert_cmpstr (auth, ==, "Basic cGstbGYtMTpzay1sZi0x");

  url = wf_telemetry_traces_url ("http://h:4318");
  g_assert_cmpstr (url, ==, "http://h:4318/v1/traces");
  g_clear_pointer (&url, g_free);
  url = wf_telemetry_traces_url ("https://cloud.langfuse.com/api/public/otel/");
  g_assert_cmpstr (url, ==, "https://cloud.langfuse.com/api/public/otel/v1/traces");
  g_clear_pointer (&url, g_free);
  url = wf_telemetry_traces_url ("http://h/v1/traces");
  g_assert_cmpstr (url, ==, "http://h/v1/traces");
  g_assert_null (wf_telemetry_traces_url ("file:///etc/passwd"));
  g_assert_null (wf_telemetry_traces_url ("not a url"));
}

static void
test_export_off (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  WfTelemetryFlushReport report;

  close_exporter (f);
  open_exporter (f, NULL);
  g_assert_false (wf_telemetry_exporter_is_enabled (f->exporter));
  enqueue_run (f, "run:off");
  g_assert_cmpint (wf_store_outbox_count (f->store, NULL), ==, 0);
  g_assert_false (wf_telemetry_exporter_flush (f->exporter, NULL, &report, &error));
  g_assert_error (error, WF_TELEMETRY_ERROR, WF_TELEMETRY_ERROR_NOT_CONFIGURED);
  g_assert_cmpuint (wf_mock_server_count_requests (f->server), ==, 0);
}

static void
test_export_collector (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GError) error = NULL;
  WfTelemetryFlushReport report;

  g_assert_true (wf_telemetry_exporter_set_headers_from_string (f->exporter, "x-tenant=acme", &error));
  g_assert_no_error (error);
  enqueue_run (f, "run:a");
  enqueue_run (f, "run:b");
  g_assert_cmpint (wf_store_outbox_count (f->store, NULL), ==, 2);

  /* Variants of success: {}, {"partialSuccess":{}} and an empty body. */
  script_push (f, 200, "{\"partialSuccess\":{}}", NULL);
  script_push (f, 200, NULL, NULL);
  report = flush_ok (f);
  g_assert_cmpuint (report.sent, ==, 2);
  g_assert_cmpint (report.remaining, ==, 0);

  requests = wf_mock_server_dup_requests (f->server);
  g_assert_cmpuint (requests->len, ==, 2);
  for (guint i = 0; i < requests->len; i++)
    {
      WfMockRequest *r = requests->pdata[i];
      g_autofree char *trace = NULL;
      gsize len;
      const char *text = body_text (r, &len);

      g_assert_cmpstr (r->method, ==, "POST");
      g_assert_cmpstr (r->path, ==, "/v1/traces");
      g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==, "application/json");
      g_assert_cmpstr (soup_message_headers_get_one (r->headers, "x-tenant"), ==, "acme");
      g_assert_null (soup_message_headers_get_one (r->headers, "Authorization"));
      trace = check_otlp (text, (gssize) len);
    }

  /* Nothing left: a second flush sends nothing. */
  report = flush_ok (f);
  g_assert_cmpuint (report.sent, ==, 0);
  g_assert_cmpuint (wf_mock_server_count_requests (f->server), ==, 2);
}

static void
test_export_langfuse (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_strdup_printf ("%s/api/public/otel", wf_mock_server_get_url (f->server));
  WfMockRequest *r;
  WfTelemetryFlushReport report;

  g_assert_true (wf_telemetry_exporter_set_endpoint (f->exporter, base, &error));
  wf_telemetry_exporter_set_langfuse_keys (f->exporter, "pk-lf-1", "sk-lf-1");
  enqueue_run (f, "run:lf");
  /* Langfuse answers with its own record, not OTLP: not parsed as partial. */
  script_push (f, 200, "{\"id\":\"job-1\",\"partialSuccess\":\"n/a\"}", NULL);
  report = flush_ok (f);
  g_assert_cmpuint (report.sent, ==, 1);

  requests = wf_mock_server_dup_requests (f->server);
  g_assert_cmpuint (requests->len, ==, 1);
  r = requests->pdata[0];
  g_assert_cmpstr (r->path, ==, "/api/public/otel/v1/traces");
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Authorization"), ==, "Basic cGstbGYtMTpzay1sZi0x");
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "x-langfuse-ingestion-version"), ==, "4");
}

static void
test_outbox_restart_offline (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GHashTable) traces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *refused = free_port_url ();
  WfTelemetryFlushReport report;

  /* Offline: the collector is not there. */
  close_exporter (f);
  open_exporter (f, refused);
  enqueue_run (f, "run:1");
  enqueue_run (f, "run:2");
  enqueue_run (f, "run:3");
  report = flush_ok (f);
  g_assert_cmpuint (report.sent, ==, 0);
  g_assert_cmpuint (report.deferred, ==, 3);
  g_assert_cmpint (report.remaining, ==, 3);

  /* Still offline a bit later: kept, retried, kept. */
  f->offset += 10 * G_USEC_PER_SEC;
  report = flush_ok (f);
  g_assert_cmpuint (report.sent, ==, 0);
  g_assert_cmpint (report.remaining, ==, 3);

  /* The app quits and starts again; the collector has come up. */
  close_exporter (f);
  open_exporter (f, wf_mock_server_get_url (f->server));
  g_assert_cmpint (wf_store_outbox_count (f->store, NULL), ==, 3);
  f->offset += G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;
  report = flush_ok (f);
  g_assert_cmpuint (report.sent, ==, 3);
  g_assert_cmpint (report.remaining, ==, 0);

  /* Everything arrived exactly once. */
  report = flush_ok (f);
  g_assert_cmpuint (report.sent, ==, 0);
  requests = wf_mock_server_dup_requests (f->server);
  g_assert_cmpuint (requests->len, ==, 3);
  for (guint i = 0; i < requests->len; i++)
    {
      gsize len;
      const char *text = body_text (requests->pdata[i], &len);
      char *trace = check_otlp (text, (gssize) len);

      g_assert_false (g_hash_table_contains (traces, trace));
      g_hash_table_add (traces, trace);
    }
}

static void
test_retry_after (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *http_date = NULL;
  WfTelemetryFlushReport report;
  gsize len0, len1;
  const char *body0, *body1;

  enqueue_run (f, "run:429");
  script_push (f, 429, "{\"code\":8,\"message\":\"slow down\"}", "2");
  report = flush_ok (f);
  g_assert_cmpuint (report.deferred, ==, 1);
  g_assert_cmpint (report.remaining, ==, 1);

  /* Not due before two seconds... */
  due = wf_store_outbox_due (f->store, f->base + 2 * G_USEC_PER_SEC - 100000, 10, NULL);
  g_assert_cmpuint (due->len, ==, 0);
  g_clear_pointer (&due, g_ptr_array_unref);
  f->offset = G_USEC_PER_SEC;
  report = flush_ok (f);
  g_assert_cmpuint (report.sent + report.deferred, ==, 0);
  g_assert_cmpuint (wf_mock_server_count_requests (f->server), ==, 1);

  /* ...and then the same bytes again. */
  f->offset = 2 * G_USEC_PER_SEC;
  report = flush_ok (f);
  g_assert_cmpuint (report.sent, ==, 1);
  requests = wf_mock_server_dup_requests (f->server);
  g_assert_cmpuint (requests->len, ==, 2);
  body0 = body_text (requests->pdata[0], &len0);
  body1 = body_text (requests->pdata[1], &len1);
  g_assert_cmpmem (body0, len0, body1, len1);

  /* Retry-After as an HTTP date, on a 503. */
  enqueue_run (f, "run:503");
  when = g_date_time_new_from_unix_utc ((f->base + f->offset) / G_USEC_PER_SEC + 30);
  http_date = soup_date_time_to_string (when, SOUP_DATE_HTTP);
  script_push (f, 503, "{\"code\":14,\"message\":\"unavailable\"}", http_date);
  report = flush_ok (f);
  g_assert_cmpuint (report.deferred, ==, 1);
  due = wf_store_outbox_due (f->store, f->base + f->offset + 28 * G_USEC_PER_SEC, 10, NULL);
  g_assert_cmpuint (due->len, ==, 0);
  g_clear_pointer (&due, g_ptr_array_unref);
  due = wf_store_outbox_due (f->store, f->base + f->offset + 31 * G_USEC_PER_SEC, 10, NULL);
  g_assert_cmpuint (due->len, ==, 1);
  g_assert_cmpuint (((WfOutboxItem *) due->pdata[0])->attempts, ==, 1);
}

static void
test_backoff (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) due = NULL;
  WfTelemetryFlushReport report;
  gint64 next;

  /* 502 without Retry-After: exponential backoff with jitter. */
  enqueue_run (f, "run:502");
  script_push (f, 502, NULL, NULL);
  report = flush_ok (f);
  g_assert_cmpuint (report.deferred, ==, 1);
  due = wf_store_outbox_due (f->store, G_MAXINT64, 10, NULL);
  next = ((WfOutboxItem *) due->pdata[0])->next_attempt_us - (f->base + f->offset);
  g_assert_cmpint (next, >=, 800000);
  g_assert_cmpint (next, <=, 1200000);
  g_clear_pointer (&due, g_ptr_array_unref);

  /* The second failure waits about twice as long. */
  f->offset += 2 * G_USEC_PER_SEC;
  script_push (f, 504, NULL, NULL);
  report = flush_ok (f);
  g_assert_cmpuint (report.deferred, ==, 1);
  due = wf_store_outbox_due (f->store, G_MAXINT64, 10, NULL);
  next = ((WfOutboxItem *) due->pdata[0])->next_attempt_us - (f->base + f->offset);
  g_assert_cmpint (next, >=, 1600000);
  g_assert_cmpint (next, <=, 2400000);
}

static void
test_bad_request_drops (Fixture       *f,
                        gconstpointer  data)
{
  WfTelemetryFlushReport report;

  enqueue_run (f, "run:400");
  enqueue_run (f, "run:500");
  enqueue_run (f, "run:413");
  script_push (f, 400, "{\"code\":3,\"message\":\"invalid traceId\"}", NULL);
  script_push (f, 500, "{\"message\":\"Internal Server Error\"}", NULL);
  script_push (f, 413, NULL, NULL);
  g_test_expect_message ("wf-telemetry", G_LOG_LEVEL_WARNING, "*HTTP 400*invalid traceId*");
  g_test_expect_message ("wf-telemetry", G_LOG_LEVEL_WARNING, "*HTTP 500*");
  g_test_expect_message ("wf-telemetry", G_LOG_LEVEL_WARNING, "*HTTP 413*");
  report = flush_ok (f);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (report.dropped, ==, 3);
  g_assert_cmpint (report.remaining, ==, 0);

  /* Dropped means never retried. */
  f->offset += G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;
  report = flush_ok (f);
  g_assert_cmpuint (wf_mock_server_count_requests (f->server), ==, 3);
}

static void
test_partial_success (Fixture       *f,
                      gconstpointer  data)
{
  WfTelemetryFlushReport report;

  enqueue_run (f, "run:partial");
  enqueue_run (f, "run:partial-number");
  enqueue_run (f, "run:warning-only");
  script_push (f, 200, "{\"partialSuccess\":{\"rejectedSpans\":\"1\",\"errorMessage\":\"span b7ad6b7169203331: value too long\"}}", NULL);
  script_push (f, 200, "{\"partialSuccess\":{\"rejectedSpans\":1}}", NULL);
  script_push (f, 200, "{\"partialSuccess\":{\"rejectedSpans\":\"0\",\"errorMessage\":\"deprecated attribute\"}}", NULL);
  g_test_expect_message ("wf-telemetry", G_LOG_LEVEL_WARNING, "*rejected 1 span*value too long*");
  g_test_expect_message ("wf-telemetry", G_LOG_LEVEL_WARNING, "*rejected 1 span*");
  g_test_expect_message ("wf-telemetry", G_LOG_LEVEL_WARNING, "*rejected 0 span*deprecated*");
  report = flush_ok (f);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (report.partial, ==, 2);
  g_assert_cmpuint (report.sent, ==, 1);
  g_assert_cmpint (report.remaining, ==, 0);

  /* OTLP: rejected spans must not be retried. */
  f->offset += G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;
  flush_ok (f);
  g_assert_cmpuint (wf_mock_server_count_requests (f->server), ==, 3);
}

static void
test_unauthorized (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  WfTelemetryFlushReport report;

  wf_telemetry_exporter_set_langfuse_keys (f->exporter, "pk-lf-wrong", "sk-lf-wrong");
  enqueue_run (f, "run:401");
  script_push (f, 401, "{\"message\":\"Invalid credentials. Confirm that you've configured the correct host.\"}", NULL);
  g_test_expect_message ("wf-telemetry", G_LOG_LEVEL_WARNING, "*HTTP 401*");
  g_assert_false (wf_telemetry_exporter_flush (f->exporter, NULL, &report, &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, WF_TELEMETRY_ERROR, WF_TELEMETRY_ERROR_BAD_KEY);
  g_clear_error (&error);
  g_assert_true (wf_telemetry_exporter_is_stopped (f->exporter));
  /* The batch is kept for when the keys are fixed. */
  g_assert_cmpint (wf_store_outbox_count (f->store, NULL), ==, 1);

  /* Stopped: no more requests with the bad key. */
  g_assert_false (wf_telemetry_exporter_flush (f->exporter, NULL, &report, &error));
  g_assert_error (error, WF_TELEMETRY_ERROR, WF_TELEMETRY_ERROR_BAD_KEY);
  g_clear_error (&error);
  g_assert_cmpuint (wf_mock_server_count_requests (f->server), ==, 1);

  /* New keys: it goes through, once. */
  wf_telemetry_exporter_set_langfuse_keys (f->exporter, "pk-lf-1", "sk-lf-1");
  g_assert_false (wf_telemetry_exporter_is_stopped (f->exporter));
  report = flush_ok (f);
  g_assert_cmpuint (report.sent, ==, 1);
  g_assert_cmpint (report.remaining, ==, 0);
  g_assert_cmpuint (wf_mock_server_count_requests (f->server), ==, 2);
}

static void
test_oversize_answer (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *big = NULL;
  gsize n = 5 * 1024 * 1024;
  WfTelemetryFlushReport report;

  big = g_malloc (n + 3);
  memset (big, ' ', n + 2);
  big[0] = '{';
  big[n + 1] = '}';
  big[n + 2] = '\0';
  enqueue_run (f, "run:big");
  script_push (f, 200, big, NULL);
  g_test_expect_message ("wf-telemetry", G_LOG_LEVEL_WARNING, "*over 4 MiB*");
  report = flush_ok (f);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (report.dropped, ==, 1);
  g_assert_cmpint (report.remaining, ==, 0);
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  WfTelemetryFlushReport report;

  wf_telemetry_exporter_set_timeout (f->exporter, 1);
  enqueue_run (f, "run:slow");
  script_push (f, 0, NULL, NULL);
  /* Given up at the export time-out, kept for later. */
  report = flush_ok (f);
  g_assert_cmpuint (report.sent, ==, 0);
  g_assert_cmpuint (report.deferred, ==, 1);
  g_assert_cmpint (report.remaining, ==, 1);
  g_assert_cmpuint (wf_mock_server_count_requests (f->server), ==, 1);

  /* Later the collector answers: sent once. */
  f->offset += G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;
  report = flush_ok (f);
  g_assert_cmpuint (report.sent, ==, 1);
  g_assert_cmpint (report.remaining, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/telemetry/spans", test_spans);
  g_test_add_func ("/telemetry/otlp-shape", test_otlp_shape);
  g_test_add_func ("/telemetry/headers", test_headers);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/telemetry/export-off", test_export_off);
  ADD ("/telemetry/export-collector", test_export_collector);
  ADD ("/telemetry/export-langfuse", test_export_langfuse);
  ADD ("/telemetry/outbox-restart-offline", test_outbox_restart_offline);
  ADD ("/telemetry/retry-after", test_retry_after);
  ADD ("/telemetry/backoff", test_backoff);
  ADD ("/telemetry/bad-request-drops", test_bad_request_drops);
  ADD ("/telemetry/partial-success", test_partial_success);
  ADD ("/telemetry/unauthorized", test_unauthorized);
  ADD ("/telemetry/oversize-answer", test_oversize_answer);
  ADD ("/telemetry/timeout", test_timeout);
#undef ADD

  return g_test_run ();
}
