/* wf-telemetry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-telemetry"

#include "config.h"

#include "wf-telemetry.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#define MAX_RESPONSE_BYTES   (4 * 1024 * 1024)
#define MAX_PAYLOAD_BYTES    (8 * 1024 * 1024)
#define MAX_HEADERS          32
#define MAX_HEADER_LEN       8192
#define MAX_SPANS            256
#define MAX_RETRY_AFTER_US   (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define MAX_BACKOFF_US       (G_GINT64_CONSTANT (300) * G_USEC_PER_SEC)
#define FLUSH_BATCH          64
#define DEFAULT_TIMEOUT_S    10

struct _WfTelemetryExporter
{
  GObject               parent_instance;

  WfStore              *store;
  char                 *traces_url;
  GPtrArray            *headers;     /* name, value, name, value … */
  gboolean              stopped;
  guint                 timeout_s;
  WfTelemetryClockFunc  clock;
  gpointer              clock_data;
};

G_DEFINE_FINAL_TYPE (WfTelemetryExporter, wf_telemetry_exporter, G_TYPE_OBJECT)

G_DEFINE_QUARK (wf-telemetry-error-quark, wf_telemetry_error)

/* Span builders */

WfCostSpan *
wf_telemetry_span_begin (const char *stage)
{
  WfCostSpan *span = wf_cost_span_new (stage);

  span->start_us = g_get_real_time ();
  return span;
}

void
wf_telemetry_span_set_llm (WfCostSpan *span,
                           const char *provider,
                           const char *model,
                           gint64      input_tokens,
                           gint64      output_tokens,
                           gint64      llm_micros,
                           gboolean    estimated)
{
  g_return_if_fail (span != NULL);

  g_free (span->provider);
  span->provider = g_strdup (provider);
  g_free (span->model);
  span->model = g_strdup (model);
  span->input_tokens = MAX (input_tokens, 0);
  span->output_tokens = MAX (output_tokens, 0);
  span->llm_micros = MAX (llm_micros, 0);
  span->estimated = span->estimated || estimated;
  span->total_micros = span->llm_micros + span->sandbox_micros;
}

void
wf_telemetry_span_set_sandbox (WfCostSpan *span,
                               double      seconds,
                               gint64      micros_per_second)
{
  g_return_if_fail (span != NULL);

  span->sandbox_seconds = isfinite (seconds) && seconds > 0 ? MIN (seconds, 86400.0) : 0;
  span->sandbox_micros = micros_per_second > 0
    ? (gint64) ceil (span->sandbox_seconds * (double) MIN (micros_per_second, WF_MICROS_PER_USD * 100))
    : 0;
  span->total_micros = span->llm_micros + span->sandbox_micros;
}

void
wf_telemetry_span_end (WfCostSpan *span,
                       const char *outcome)
{
  gint64 now = g_get_real_time ();

  g_return_if_fail (span != NULL);

  span->duration_us = span->start_us > 0 && now > span->start_us ? now - span->start_us : 0;
  g_free (span->outcome);
  span->outcome = g_strdup (outcome ? outcome : "ok");
  span->total_micros = MAX (span->llm_micros, 0) + MAX (span->sandbox_micros, 0);
}

gint64
wf_telemetry_spans_total (GPtrArray *spans,
                          gboolean  *out_estimated)
{
  gint64 total = 0;
  gboolean estimated = FALSE;

  for (guint i = 0; spans != NULL && i < spans->len; i++)
    {
      const WfCostSpan *span = g_ptr_array_index (spans, i);

      total += MAX (span->total_micros, 0);
      estimated = estimated || span->estimated;
    }
  if (out_estimated)
    *out_estimated = estimated;

  return total;
}

/* OTLP JSON */

static char *
hex_id (const char *prefix,
        const char *run_key,
        guint       index,
        const char *stage,
        gsize       n_hex)
{
  g_autofree char *seed = g_strdup_printf ("%s\x1f%s\x1f%u\x1f%s", prefix, run_key, index,
                                           stage ? stage : "");
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, seed, -1);
  char *id = g_strndup (digest, n_hex);

  /* All-zero ids are invalid in OTLP. */
  if (strspn (id, "0") == n_hex)
    id[n_hex - 1] = '1';

  return id;
}

static void
add_attr_string (JsonBuilder *b,
                 const char  *key,
                 const char  *value)
{
  if (value == NULL)
    return;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, key);
  json_builder_set_member_name (b, "value");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "stringValue");
  json_builder_add_string_value (b, value);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
add_attr_int (JsonBuilder *b,
              const char  *key,
              gint64       value)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, key);
  json_builder_set_member_name (b, "value");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "intValue");
  json_builder_add_string_value (b, text);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
add_attr_double (JsonBuilder *b,
                 const char  *key,
                 double       value)
{
  if (!isfinite (value))
    return;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, key);
  json_builder_set_member_name (b, "value");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "doubleValue");
  json_builder_add_double_value (b, value);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
add_attr_bool (JsonBuilder *b,
               const char  *key,
               gboolean     value)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, key);
  json_builder_set_member_name (b, "value");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "boolValue");
  json_builder_add_boolean_value (b, value);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
add_nanos (JsonBuilder *b,
           const char  *member,
           gint64       us)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT "000", MAX (us, 0));

  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, text);
}

static void
add_common_attrs (JsonBuilder *b,
                  const char  *session)
{
  /* On every span: Langfuse filters and totals count only spans carrying them. */
  add_attr_string (b, "langfuse.trace.name", "whatif.run");
  add_attr_string (b, "session.id", session);
  add_attr_string (b, "user.id", "local-user");
}

static gboolean
span_ok (const WfCostSpan *span)
{
  return span->outcome == NULL || g_str_equal (span->outcome, "ok");
}

char *
wf_telemetry_build_otlp_json (const char  *run_key,
                              gint64       session_id,
                              GPtrArray   *spans,
                              GError     **error)
{
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *trace_id = NULL;
  g_autofree char *root_id = NULL;
  g_autofree char *session = NULL;
  gint64 start = G_MAXINT64, end = 0;
  gboolean all_ok = TRUE, estimated = FALSE;
  gint64 total;

  if (run_key == NULL || *run_key == '\0' || !g_utf8_validate (run_key, -1, NULL))
    {
      g_set_error (error, WF_TELEMETRY_ERROR, WF_TELEMETRY_ERROR_INVALID,
                   _("A trace needs a run key."));
      return NULL;
    }
  /* OTLP: never send an envelope without spans. */
  if (spans == NULL || spans->len == 0 || spans->len > MAX_SPANS)
    {
      g_set_error (error, WF_TELEMETRY_ERROR, WF_TELEMETRY_ERROR_INVALID,
                   _("A trace needs between 1 and %d stage spans."), MAX_SPANS);
      return NULL;
    }

  for (guint i = 0; i < spans->len; i++)
    {
      const WfCostSpan *span = g_ptr_array_index (spans, i);

      start = MIN (start, span->start_us);
      end = MAX (end, span->start_us + MAX (span->duration_us, 0));
      all_ok = all_ok && span_ok (span);
    }
  total = wf_telemetry_spans_total (spans, &estimated);

  trace_id = hex_id ("trace", run_key, 0, NULL, 32);
  root_id = hex_id ("root", run_key, 0, NULL, 16);
  session = g_strdup_printf ("session-%" G_GINT64_FORMAT, MAX (session_id, 0));

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "resourceSpans");
  json_builder_begin_array (b);
  json_builder_begin_object (b);

  json_builder_set_member_name (b, "resource");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "attributes");
  json_builder_begin_array (b);
  add_attr_string (b, "service.name", "whatif-desktop");
  add_attr_string (b, "service.version", PACKAGE_VERSION);
  json_builder_end_array (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "scopeSpans");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "scope");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "whatif");
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "spans");
  json_builder_begin_array (b);

  /* Root span: the whole run. */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "traceId");
  json_builder_add_string_value (b, trace_id);
  json_builder_set_member_name (b, "spanId");
  json_builder_add_string_value (b, root_id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "whatif.run");
  json_builder_set_member_name (b, "kind");
  json_builder_add_int_value (b, 1);
  add_nanos (b, "startTimeUnixNano", start);
  add_nanos (b, "endTimeUnixNano", MAX (end, start));
  json_builder_set_member_name (b, "attributes");
  json_builder_begin_array (b);
  add_common_attrs (b, session);
  add_attr_string (b, "whatif.run_key", run_key);
  add_attr_double (b, "whatif.cost.total_usd", wf_micros_to_usd (total));
  add_attr_bool (b, "whatif.cost.estimated", estimated);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "status");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_int_value (b, all_ok ? 1 : 2);
  json_builder_end_object (b);
  json_builder_end_object (b);

  for (guint i = 0; i < spans->len; i++)
    {
      const WfCostSpan *span = g_ptr_array_index (spans, i);
      g_autofree char *span_id = hex_id ("span", run_key, i, span->stage, 16);
      gboolean is_llm = span->model != NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "traceId");
      json_builder_add_string_value (b, trace_id);
      json_builder_set_member_name (b, "spanId");
      json_builder_add_string_value (b, span_id);
      json_builder_set_member_name (b, "parentSpanId");
      json_builder_add_string_value (b, root_id);
      json_builder_set_member_name (b, "name");
      if (is_llm)
        json_builder_add_string_value (b, "llm.generate");
      else
        {
          g_autofree char *name = g_strdup_printf ("whatif.%s", span->stage);
          json_builder_add_string_value (b, name);
        }
      json_builder_set_member_name (b, "kind");
      json_builder_add_int_value (b, is_llm ? 3 : 1);
      add_nanos (b, "startTimeUnixNano", span->start_us);
      add_nanos (b, "endTimeUnixNano", span->start_us + MAX (span->duration_us, 0));

      json_builder_set_member_name (b, "attributes");
      json_builder_begin_array (b);
      add_common_attrs (b, session);
      add_attr_string (b, "whatif.stage", span->stage);
      if (is_llm)
        {
          add_attr_string (b, "gen_ai.operation.name", "chat");
          add_attr_string (b, "gen_ai.provider.name", span->provider ? span->provider : "unknown");
          add_attr_string (b, "gen_ai.request.model", span->model);
          add_attr_int (b, "gen_ai.usage.input_tokens", MAX (span->input_tokens, 0));
          add_attr_int (b, "gen_ai.usage.output_tokens", MAX (span->output_tokens, 0));
          add_attr_double (b, "gen_ai.usage.cost", wf_micros_to_usd (MAX (span->llm_micros, 0)));
        }
      if (span->sandbox_seconds > 0 || span->sandbox_micros > 0)
        {
          add_attr_double (b, "whatif.sandbox.seconds", span->sandbox_seconds);
          add_attr_double (b, "whatif.sandbox.cost_usd", wf_micros_to_usd (MAX (span->sandbox_micros, 0)));
        }
      add_attr_double (b, "whatif.cost.total_usd", wf_micros_to_usd (MAX (span->total_micros, 0)));
      add_attr_bool (b, "whatif.cost.estimated", span->estimated);
      add_attr_string (b, "whatif.outcome", span->outcome);
      if (!span_ok (span))
        add_attr_string (b, "error.type", span->outcome);
      json_builder_end_array (b);

      json_builder_set_member_name (b, "status");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_int_value (b, span_ok (span) ? 1 : 2);
      if (!span_ok (span))
        {
          json_builder_set_member_name (b, "message");
          json_builder_add_string_value (b, span->outcome);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
    }

  json_builder_end_array (b);   /* spans */
  json_builder_end_object (b);
  json_builder_end_array (b);   /* scopeSpans */
  json_builder_end_object (b);
  json_builder_end_array (b);   /* resourceSpans */
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

char *
wf_telemetry_traces_url (const char *base)
{
  g_autoptr(GUri) uri = NULL;
  gsize len;

  if (base == NULL || *base == '\0')
    return NULL;
  uri = g_uri_parse (base, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL
      || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0
          && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    return NULL;

  if (g_str_has_suffix (base, "/v1/traces"))
    return g_strdup (base);
  len = strlen (base);
  if (base[len - 1] == '/')
    return g_strconcat (base, "v1/traces", NULL);
  return g_strconcat (base, "/v1/traces", NULL);
}

static gboolean
valid_header_name (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 256)
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("!#$%&'*+-.^_`|~", *p) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
valid_header_value (const char *value)
{
  if (value == NULL || strlen (value) > MAX_HEADER_LEN || !g_utf8_validate (value, -1, NULL))
    return FALSE;
  for (const guchar *p = (const guchar *) value; *p; p++)
    if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
      return FALSE;
  return TRUE;
}

GPtrArray *
wf_telemetry_parse_headers (const char  *text,
                            GError     **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) pairs = NULL;

  if (text == NULL)
    return g_steal_pointer (&out);
  if (strlen (text) > MAX_HEADERS * MAX_HEADER_LEN)
    {
      g_set_error (error, WF_TELEMETRY_ERROR, WF_TELEMETRY_ERROR_INVALID,
                   _("The telemetry headers setting is too long."));
      return NULL;
    }

  pairs = g_strsplit (text, ",", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_autofree char *item = g_strstrip (g_strdup (pairs[i]));
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;
      char *eq;

      if (*item == '\0')
        continue;
      eq = strchr (item, '=');
      if (eq == NULL || out->len / 2 >= MAX_HEADERS)
        {
          g_set_error (error, WF_TELEMETRY_ERROR, WF_TELEMETRY_ERROR_INVALID,
                       _("Telemetry header number %u is not of the form name=value."), i + 1);
          return NULL;
        }
      *eq = '\0';
      name = g_strstrip (g_strdup (item));
      value = g_uri_unescape_string (g_strstrip (eq + 1), NULL);
      if (!valid_header_name (name) || !valid_header_value (value))
        {
          /* The value may be a credential: never repeat it in the message. */
          g_set_error (error, WF_TELEMETRY_ERROR, WF_TELEMETRY_ERROR_INVALID,
                       _("Telemetry header number %u has an invalid name or value."), i + 1);
          return NULL;
        }
      g_ptr_array_add (out, g_steal_pointer (&name));
      g_ptr_array_add (out, g_steal_pointer (&value));
    }

  return g_steal_pointer (&out);
}

char *
wf_telemetry_basic_auth (const char *public_key,
                         const char *secret_key)
{
  g_autofree char *pair = NULL;
  g_autofree char *b64 = NULL;

  g_return_val_if_fail (public_key != NULL && secret_key != NULL, NULL);

  pair = g_strdup_printf ("%s:%s", public_key, secret_key);
  b64 = g_base64_encode ((const guchar *) pair, strlen (pair));
  /* Do not leave the pair lying around in freed memory. */
  memset (pair, 0, strlen (pair));

  return g_strdup_printf ("Basic %s", b64);
}

/* Exporter */

static gint64
default_clock (gpointer user_data)
{
  return g_get_real_time ();
}

static gint64
exporter_now (WfTelemetryExporter *self)
{
  return self->clock (self->clock_data);
}

static void
wf_telemetry_exporter_finalize (GObject *object)
{
  WfTelemetryExporter *self = (WfTelemetryExporter *) object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->traces_url, g_free);
  g_clear_pointer (&self->headers, g_ptr_array_unref);

  G_OBJECT_CLASS (wf_telemetry_exporter_parent_class)->finalize (object);
}

static void
wf_telemetry_exporter_class_init (WfTelemetryExporterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wf_telemetry_exporter_finalize;
}

static void
wf_telemetry_exporter_init (WfTelemetryExporter *self)
{
  self->headers = g_ptr_array_new_with_free_func (g_free);
  self->timeout_s = DEFAULT_TIMEOUT_S;
  self->clock = default_clock;
}

WfTelemetryExporter *
wf_telemetry_exporter_new (WfStore *store)
{
  WfTelemetryExporter *self;

  g_return_val_if_fail (WF_IS_STORE (store), NULL);

  self = g_object_new (WF_TYPE_TELEMETRY_EXPORTER, NULL);
  self->store = g_object_ref (store);

  return self;
}

gboolean
wf_telemetry_exporter_set_endpoint (WfTelemetryExporter  *self,
                                    const char           *traces_url,
                                    GError              **error)
{
  g_autofree char *url = NULL;

  g_return_val_if_fail (WF_IS_TELEMETRY_EXPORTER (self), FALSE);

  if (traces_url != NULL)
    {
      url = wf_telemetry_traces_url (traces_url);
      if (url == NULL)
        {
          g_set_error (error, WF_TELEMETRY_ERROR, WF_TELEMETRY_ERROR_INVALID,
                       _("The telemetry endpoint must be an http or https address."));
          return FALSE;
        }
    }

  g_free (self->traces_url);
  self->traces_url = g_steal_pointer (&url);
  self->stopped = FALSE;

  return TRUE;
}

gboolean
wf_telemetry_exporter_is_enabled (WfTelemetryExporter *self)
{
  g_return_val_if_fail (WF_IS_TELEMETRY_EXPORTER (self), FALSE);

  return self->traces_url != NULL;
}

gboolean
wf_telemetry_exporter_is_stopped (WfTelemetryExporter *self)
{
  g_return_val_if_fail (WF_IS_TELEMETRY_EXPORTER (self), FALSE);

  return self->stopped;
}

static void
set_header (WfTelemetryExporter *self,
            const char          *name,
            const char          *value)
{
  for (guint i = 0; i + 1 < self->headers->len; i += 2)
    if (g_ascii_strcasecmp (g_ptr_array_index (self->headers, i), name) == 0)
      {
        g_free (self->headers->pdata[i + 1]);
        self->headers->pdata[i + 1] = g_strdup (value);
        return;
      }
  g_ptr_array_add (self->headers, g_strdup (name));
  g_ptr_array_add (self->headers, g_strdup (value));
}

gboolean
wf_telemetry_exporter_add_header (WfTelemetryExporter  *self,
                                  const char           *name,
                                  const char           *value,
                                  GError              **error)
{
  g_return_val_if_fail (WF_IS_TELEMETRY_EXPORTER (self), FALSE);

  if (!valid_header_name (name) || !valid_header_value (value))
    {
      g_set_error (error, WF_TELEMETRY_ERROR, WF_TELEMETRY_ERROR_INVALID,
                   _("The telemetry header has an invalid name or value."));
      return FALSE;
    }
  if (self->headers->len / 2 >= MAX_HEADERS)
    {
      g_set_error (error, WF_TELEMETRY_ERROR, WF_TELEMETRY_ERROR_INVALID,
                   _("Too many telemetry headers."));
      return FALSE;
    }
  set_header (self, name, value);
  self->stopped = FALSE;

  return TRUE;
}

gboolean
wf_telemetry_exporter_set_headers_from_string (WfTelemetryExporter  *self,
                                               const char           *text,
                                               GError              **error)
{
  g_autoptr(GPtrArray) pairs = NULL;

  g_return_val_if_fail (WF_IS_TELEMETRY_EXPORTER (self), FALSE);

  pairs = wf_telemetry_parse_headers (text, error);
  if (pairs == NULL)
    return FALSE;
  for (guint i = 0; i + 1 < pairs->len; i += 2)
    if (!wf_telemetry_exporter_add_header (self, g_ptr_array_index (pairs, i),
                                           g_ptr_array_index (pairs, i + 1), error))
      return FALSE;

  return TRUE;
}

void
wf_telemetry_exporter_set_langfuse_keys (WfTelemetryExporter *self,
                                         const char          *public_key,
                                         const char          *secret_key)
{
  g_autofree char *auth = NULL;

  g_return_if_fail (WF_IS_TELEMETRY_EXPORTER (self));
  g_return_if_fail (public_key != NULL && secret_key != NULL);

  auth = wf_telemetry_basic_auth (public_key, secret_key);
  set_header (self, "Authorization", auth);
  /* Without it Langfuse takes its older, slower ingestion path. */
  set_header (self, "x-langfuse-ingestion-version", "4");
  self->stopped = FALSE;
}

void
wf_telemetry_exporter_set_timeout (WfTelemetryExporter *self,
                                   guint                seconds)
{
  g_return_if_fail (WF_IS_TELEMETRY_EXPORTER (self));

  self->timeout_s = CLAMP (seconds, 1, 600);
}

void
wf_telemetry_exporter_set_clock (WfTelemetryExporter  *self,
                                 WfTelemetryClockFunc  clock,
                                 gpointer              user_data)
{
  g_return_if_fail (WF_IS_TELEMETRY_EXPORTER (self));

  self->clock = clock ? clock : default_clock;
  self->clock_data = clock ? user_data : NULL;
}

gboolean
wf_telemetry_exporter_enqueue_run (WfTelemetryExporter  *self,
                                   const char           *run_key,
                                   gint64                session_id,
                                   GPtrArray            *spans,
                                   GError              **error)
{
  g_autofree char *payload = NULL;

  g_return_val_if_fail (WF_IS_TELEMETRY_EXPORTER (self), FALSE);

  /* Off unless configured: nothing is queued, nothing will be sent. */
  if (self->traces_url == NULL)
    return TRUE;

  payload = wf_telemetry_build_otlp_json (run_key, session_id, spans, error);
  if (payload == NULL)
    return FALSE;
  if (strlen (payload) > MAX_PAYLOAD_BYTES)
    {
      g_set_error (error, WF_TELEMETRY_ERROR, WF_TELEMETRY_ERROR_INVALID,
                   _("The trace of this run is too large to export."));
      return FALSE;
    }

  return wf_store_outbox_add (self->store, payload, NULL, error);
}

/* Retry-After: delay in seconds or an HTTP date (OTLP 1.11). -1 if absent
 * or unreadable. */
static gint64
parse_retry_after (const char *value,
                   gint64      now_us)
{
  guint64 seconds;
  g_autoptr(GDateTime) date = NULL;
  gint64 when;

  if (value == NULL)
    return -1;
  if (g_ascii_string_to_unsigned (value, 10, 0, 86400, &seconds, NULL))
    return MIN ((gint64) seconds * G_USEC_PER_SEC, MAX_RETRY_AFTER_US);

  date = soup_date_time_new_from_http_string (value);
  if (date == NULL)
    return -1;
  when = g_date_time_to_unix (date) * G_USEC_PER_SEC;
  return CLAMP (when - now_us, 0, MAX_RETRY_AFTER_US);
}

static gint64
backoff_us (guint attempts)
{
  gint64 base = G_USEC_PER_SEC;
  double jitter;

  for (guint i = 0; i < attempts && base < MAX_BACKOFF_US; i++)
    base *= 2;
  base = MIN (base, MAX_BACKOFF_US);
  jitter = g_random_double_range (0.8, 1.2);

  return (gint64) (base * jitter);
}

typedef enum
{
  SEND_SENT,
  SEND_PARTIAL,
  SEND_DROP,
  SEND_RETRY,
  SEND_OFFLINE,
  SEND_BAD_KEY,
  SEND_CANCELLED,
} SendResult;

static GBytes *
read_capped (GInputStream  *stream,
             GCancellable  *cancellable,
             gboolean      *out_too_large,
             GError       **error)
{
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  guint8 chunk[8192];

  *out_too_large = FALSE;
  for (;;)
    {
      gssize n = g_input_stream_read (stream, chunk, sizeof chunk, cancellable, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      if (buffer->len + (gsize) n > MAX_RESPONSE_BYTES)
        {
          *out_too_large = TRUE;
          break;
        }
      g_byte_array_append (buffer, chunk, (guint) n);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

static SendResult
classify_success (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size = 0;
  const char *data = body ? g_bytes_get_data (body, &size) : NULL;
  JsonNode *root, *partial;
  JsonObject *object;
  gint64 rejected = 0;
  const char *message = NULL;

  if (data == NULL || size == 0)
    return SEND_SENT;
  /* Langfuse answers with an internal record: only a well-formed
   * partialSuccess object means anything. */
  if (!json_parser_load_from_data (parser, data, (gssize) size, NULL))
    return SEND_SENT;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return SEND_SENT;
  partial = json_object_get_member (json_node_get_object (root), "partialSuccess");
  if (partial == NULL || !JSON_NODE_HOLDS_OBJECT (partial))
    return SEND_SENT;

  object = json_node_get_object (partial);
  if (json_object_has_member (object, "rejectedSpans"))
    {
      JsonNode *n = json_object_get_member (object, "rejectedSpans");

      if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
        g_ascii_string_to_signed (json_node_get_string (n), 10, 0, G_MAXINT64, &rejected, NULL);
      else if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_INT64)
        rejected = MAX (json_node_get_int (n), 0);
    }
  if (json_object_has_member (object, "errorMessage"))
    {
      JsonNode *n = json_object_get_member (object, "errorMessage");

      if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
        message = json_node_get_string (n);
    }

  if (rejected == 0 && (message == NULL || *message == '\0'))
    return SEND_SENT;

  /* OTLP: the rejected spans are not retryable; a warning is enough. */
  g_warning ("Telemetry collector rejected %" G_GINT64_FORMAT " span(s): %.200s",
             rejected, message ? message : "");
  return rejected > 0 ? SEND_PARTIAL : SEND_SENT;
}

static SendResult
send_one (WfTelemetryExporter *self,
          SoupSession         *session,
          const char          *payload,
          GCancellable        *cancellable,
          gint64              *out_retry_after_us)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) request_body = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  gboolean too_large = FALSE;
  guint status;

  *out_retry_after_us = -1;

  msg = soup_message_new (SOUP_METHOD_POST, self->traces_url);
  if (msg == NULL)
    return SEND_DROP;
  headers = soup_message_get_request_headers (msg);
  for (guint i = 0; i + 1 < self->headers->len; i += 2)
    soup_message_headers_replace (headers, g_ptr_array_index (self->headers, i),
                                  g_ptr_array_index (self->headers, i + 1));
  request_body = g_bytes_new (payload, strlen (payload));
  soup_message_set_request_body_from_bytes (msg, "application/json", request_body);

  stream = soup_session_send (session, msg, cancellable, &error);
  if (stream == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return SEND_CANCELLED;
      g_message ("Telemetry export could not reach the collector: %s", error->message);
      return SEND_OFFLINE;
    }

  status = soup_message_get_status (msg);
  body = read_capped (stream, cancellable, &too_large, &error);
  g_input_stream_close (stream, NULL, NULL);
  if (body == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return SEND_CANCELLED;

  if (status >= 200 && status < 300)
    {
      if (too_large)
        {
          /* OTLP: a response over 4 MiB is a non-retryable error. */
          g_warning ("Telemetry collector answer over 4 MiB; batch dropped");
          return SEND_DROP;
        }
      return classify_success (body);
    }

  switch (status)
    {
    case 401:
    case 403:
      g_warning ("Telemetry collector refused the credentials (HTTP %u): export stopped", status);
      return SEND_BAD_KEY;
    case 429:
    case 502:
    case 503:
    case 504:
      *out_retry_after_us = parse_retry_after (
        soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After"),
        exporter_now (self));
      return SEND_RETRY;
    default:
      {
        gsize size = 0;
        const char *data = body ? g_bytes_get_data (body, &size) : NULL;

        g_warning ("Telemetry collector refused a batch (HTTP %u): %.*s; dropped",
                   status, (int) MIN (size, 300), data ? data : "");
        return SEND_DROP;
      }
    }
}

gboolean
wf_telemetry_exporter_flush (WfTelemetryExporter    *self,
                             GCancellable           *cancellable,
                             WfTelemetryFlushReport *out_report,
                             GError                **error)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GPtrArray) due = NULL;
  WfTelemetryFlushReport report = { 0 };
  gboolean ok = TRUE;
  gint64 now;

  g_return_val_if_fail (WF_IS_TELEMETRY_EXPORTER (self), FALSE);

  if (out_report)
    memset (out_report, 0, sizeof *out_report);

  if (self->traces_url == NULL)
    {
      g_set_error (error, WF_TELEMETRY_ERROR, WF_TELEMETRY_ERROR_NOT_CONFIGURED,
                   _("Telemetry export is not configured."));
      return FALSE;
    }
  if (self->stopped)
    {
      g_set_error (error, WF_TELEMETRY_ERROR, WF_TELEMETRY_ERROR_BAD_KEY,
                   _("The telemetry endpoint refused the credentials; export is paused until they are changed."));
      return FALSE;
    }

  now = exporter_now (self);
  due = wf_store_outbox_due (self->store, now, FLUSH_BATCH, error);
  if (due == NULL)
    return FALSE;

  if (due->len > 0)
    {
      g_autofree char *ua = g_strdup_printf ("whatif-otlp-exporter/%s", PACKAGE_VERSION);

      /* A session per flush: a SoupSession belongs to the thread that uses
       * it, and flushes may come from different worker threads. */
      session = soup_session_new_with_options ("timeout", self->timeout_s,
                                               "idle-timeout", self->timeout_s,
                                               "user-agent", ua,
                                               NULL);
    }

  for (guint i = 0; i < due->len && ok; i++)
    {
      WfOutboxItem *item = g_ptr_array_index (due, i);
      gint64 retry_after = -1;
      SendResult result = send_one (self, session, item->payload, cancellable, &retry_after);

      switch (result)
        {
        case SEND_SENT:
        case SEND_PARTIAL:
        case SEND_DROP:
          if (!wf_store_outbox_delete (self->store, item->id, error))
            ok = FALSE;
          if (result == SEND_SENT)
            report.sent++;
          else if (result == SEND_PARTIAL)
            report.partial++;
          else
            report.dropped++;
          break;

        case SEND_RETRY:
        case SEND_OFFLINE:
          {
            gint64 delay = retry_after >= 0 ? retry_after : backoff_us (item->attempts);

            /* The same bytes go again later: payload unchanged. */
            if (!wf_store_outbox_defer (self->store, item->id, exporter_now (self) + delay, NULL, error))
              ok = FALSE;
            report.deferred++;
            /* No connection: the rest would fail the same way. */
            if (result == SEND_OFFLINE)
              {
                for (guint j = i + 1; j < due->len && ok; j++)
                  {
                    WfOutboxItem *rest = g_ptr_array_index (due, j);

                    if (!wf_store_outbox_defer (self->store, rest->id,
                                                exporter_now (self) + backoff_us (rest->attempts),
                                                NULL, error))
                      ok = FALSE;
                    report.deferred++;
                  }
                i = due->len;
              }
          }
          break;

        case SEND_BAD_KEY:
          self->stopped = TRUE;
          g_set_error (error, WF_TELEMETRY_ERROR, WF_TELEMETRY_ERROR_BAD_KEY,
                       _("The telemetry endpoint refused the credentials; export is paused until they are changed."));
          ok = FALSE;
          break;

        case SEND_CANCELLED:
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Telemetry export was cancelled."));
          ok = FALSE;
          break;

        default:
          g_assert_not_reached ();
        }
    }

  report.remaining = wf_store_outbox_count (self->store, NULL);
  if (out_report)
    *out_report = report;

  return ok;
}
