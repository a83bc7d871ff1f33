/* wf-telemetry.h: cost spans and the optional OTLP/HTTP (JSON) trace export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every stage of a run gets a WfCostSpan (wf-types.h), stored with the run.
 * Export is off unless an endpoint is configured: then one trace per run (a
 * root span and a span per stage, GenAI semantic-convention attributes) is
 * queued in the store's outbox and sent by wf_telemetry_exporter_flush(), so
 * that nothing is lost across restarts or offline periods. Credentials are
 * passed in by the caller (wf-secrets); nothing here reads or logs a key.
 * Like its WfStore, an exporter is used from one thread at a time: a worker
 * that flushes gives it its own store connection.
 */
#pragma once

#include <gio/gio.h>

#include "wf-store.h"
#include "wf-types.h"

G_BEGIN_DECLS

#define WF_TELEMETRY_ERROR (wf_telemetry_error_quark ())
GQuark wf_telemetry_error_quark (void);

typedef enum
{
  WF_TELEMETRY_ERROR_NOT_CONFIGURED,
  WF_TELEMETRY_ERROR_INVALID,          /* bad endpoint, header or span data */
  WF_TELEMETRY_ERROR_BAD_KEY,          /* 401/403: export stopped until reconfigured */
  WF_TELEMETRY_ERROR_NETWORK,
} WfTelemetryError;

/* Span builders. begin stamps the start; end stamps the duration, sets the
 * outcome and adds up the total. */
WfCostSpan *wf_telemetry_span_begin       (const char  *stage);
void        wf_telemetry_span_set_llm     (WfCostSpan  *span,
                                           const char  *provider,
                                           const char  *model,
                                           gint64       input_tokens,
                                           gint64       output_tokens,
                                           gint64       llm_micros,
                                           gboolean     estimated);
void        wf_telemetry_span_set_sandbox (WfCostSpan  *span,
                                           double       seconds,
                                           gint64       micros_per_second);
void        wf_telemetry_span_end         (WfCostSpan  *span,
                                           const char  *outcome);
/* Sum of totals; out_estimated (nullable) is TRUE when any span is. */
gint64      wf_telemetry_spans_total      (GPtrArray   *spans,
                                           gboolean    *out_estimated);

/* One OTLP/HTTP JSON ExportTraceServiceRequest for one run. The trace id is
 * derived from run_key, so a resend is recognisably the same trace. */
char       *wf_telemetry_build_otlp_json  (const char  *run_key,
                                           gint64       session_id,
                                           GPtrArray   *spans,       /* WfCostSpan */
                                           GError     **error);

/* "<base>/v1/traces" unless base already ends with it. NULL if not http(s). */
char       *wf_telemetry_traces_url       (const char  *base);
/* OTEL_EXPORTER_OTLP_HEADERS form "k1=v1,k2=v2", values percent-decoded
 * (a literal space is accepted too). (element-type utf8): name, value, … */
GPtrArray  *wf_telemetry_parse_headers    (const char  *text,
                                           GError     **error);
/* "Basic base64(public:secret)" */
char       *wf_telemetry_basic_auth       (const char  *public_key,
                                           const char  *secret_key);

typedef struct
{
  guint  sent;
  guint  partial;       /* accepted with some spans rejected: logged, not retried */
  guint  dropped;       /* refused as bad data (400, 413, 500…): not retried */
  guint  deferred;      /* 429/502/503/504 or no connection: retried later */
  gint64 remaining;     /* still in the outbox */
} WfTelemetryFlushReport;

typedef gint64 (*WfTelemetryClockFunc) (gpointer user_data);  /* wall clock µs */

#define WF_TYPE_TELEMETRY_EXPORTER (wf_telemetry_exporter_get_type ())
G_DECLARE_FINAL_TYPE (WfTelemetryExporter, wf_telemetry_exporter, WF, TELEMETRY_EXPORTER, GObject)

WfTelemetryExporter *wf_telemetry_exporter_new            (WfStore              *store);
/* traces_url NULL switches export off. */
gboolean    wf_telemetry_exporter_set_endpoint    (WfTelemetryExporter  *self,
                                                   const char           *traces_url,
                                                   GError              **error);
gboolean    wf_telemetry_exporter_is_enabled      (WfTelemetryExporter  *self);
gboolean    wf_telemetry_exporter_is_stopped      (WfTelemetryExporter  *self);
gboolean    wf_telemetry_exporter_add_header      (WfTelemetryExporter  *self,
                                                   const char           *name,
                                                   const char           *value,
                                                   GError              **error);
gboolean    wf_telemetry_exporter_set_headers_from_string (WfTelemetryExporter *self,
                                                   const char           *text,
                                                   GError              **error);
/* Authorization: Basic, and x-langfuse-ingestion-version: 4. */
void        wf_telemetry_exporter_set_langfuse_keys (WfTelemetryExporter *self,
                                                   const char           *public_key,
                                                   const char           *secret_key);
void        wf_telemetry_exporter_set_timeout     (WfTelemetryExporter  *self,
                                                   guint                 seconds);
void        wf_telemetry_exporter_set_clock       (WfTelemetryExporter  *self,
                                                   WfTelemetryClockFunc  clock,
                                                   gpointer              user_data);

/* Queues the run's trace in the outbox; does nothing when export is off. */
gboolean    wf_telemetry_exporter_enqueue_run     (WfTelemetryExporter  *self,
                                                   const char           *run_key,
                                                   gint64                session_id,
                                                   GPtrArray            *spans,
                                                   GError              **error);
/* Sends what is due, blocking (call it from a worker thread). FALSE with
 * WF_TELEMETRY_ERROR_BAD_KEY when the endpoint refused the credentials
 * (the batches stay queued). */
gboolean    wf_telemetry_exporter_flush           (WfTelemetryExporter    *self,
                                                   GCancellable           *cancellable,
                                                   WfTelemetryFlushReport *out_report,
                                                   GError                **error);

G_END_DECLS
