/* wf-http.h: the one HTTP client every remote provider goes through
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One shared SoupSession (libsoup ≥ 3.2 lets any thread send on it as long as
 * that thread has a thread-default main context). A request has a deadline that
 * covers every attempt and every wait, an idle timeout ("no byte for N s"), a
 * response size cap, and retries with exponential backoff and jitter on 429,
 * 5xx and connection errors that honour Retry-After. Failures come back in the
 * WF_PROVIDER_ERROR domain with a message a person can act on. Header values
 * (the API key travels in one) are never logged and are scrubbed from server
 * messages before they reach an error.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "wf-llm-provider.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 deadline_ms;          /* whole request incl. retries; 60 000 */
  gint64 idle_timeout_ms;      /* no byte received; 30 000 */
  gsize  max_response_bytes;   /* 4 MiB */
  guint  max_attempts;         /* 4 */
  gint64 backoff_base_ms;      /* first wait without Retry-After; 500 */
  gint64 backoff_max_ms;       /* 16 000 */
} WfHttpLimits;

void wf_http_limits_init (WfHttpLimits *limits);

/* Test hook: every wait between attempts (backoff and Retry-After) is divided
 * by this factor. Also read once from $WHATIF_HTTP_TEST_SPEEDUP. */
void   wf_http_set_wait_speedup (double factor);
double wf_http_get_wait_speedup (void);

SoupSession *wf_http_get_session (void);

/* One server-sent event. `event` is the last "event:" field or NULL. Return
 * FALSE with @error set to stop reading. */
typedef gboolean (*WfHttpEventFunc) (const char  *event,
                                     const char  *data,
                                     gpointer     user_data,
                                     GError     **error);

typedef struct
{
  const char         *service;      /* "OpenRouter": used in error messages */
  const char         *url;
  const char * const *headers;      /* name, value, name, value, …, NULL */
  GBytes             *body;         /* JSON */
  const WfHttpLimits *limits;       /* NULL: defaults */
  /* Non-NULL: a text/event-stream answer is read incrementally and each event
   * handed over on the caller's thread-default main context. */
  WfHttpEventFunc     on_event;
  gpointer            on_event_data;
} WfHttpRequest;

typedef struct
{
  guint    status;
  GBytes  *body;             /* the whole body; NULL when it was read as events */
  char    *content_type;
  char    *generation_id;    /* X-Generation-Id, if any */
  gboolean sse;              /* read as server-sent events */
  gboolean sse_done;         /* "data: [DONE]" was seen */
  guint    attempts;
  gint64   waited_ms;        /* sum of the waits between attempts, before speed-up */
} WfHttpResponse;

void            wf_http_response_free    (WfHttpResponse      *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfHttpResponse, wf_http_response_free)

void            wf_http_post_json_async  (const WfHttpRequest *request,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
WfHttpResponse *wf_http_post_json_finish (GAsyncResult        *result,
                                          GError             **error);

/* Retry-After as delta-seconds or an HTTP date, in ms from @now_unix_s;
 * -1 when absent or unreadable. */
gint64   wf_http_parse_retry_after  (const char          *value,
                                     gint64               now_unix_s);

/* Incremental server-sent-events parser, exposed for tests and fuzzing. */
typedef struct _WfSseParser WfSseParser;
WfSseParser *wf_sse_parser_new      (WfHttpEventFunc      func,
                                     gpointer             user_data);
void         wf_sse_parser_free     (WfSseParser         *parser);
/* FALSE with @error when the callback stopped. */
gboolean     wf_sse_parser_feed     (WfSseParser         *parser,
                                     const char          *data,
                                     gsize                len,
                                     GError             **error);
gboolean     wf_sse_parser_finish   (WfSseParser         *parser,
                                     GError             **error);
gboolean     wf_sse_parser_is_done  (WfSseParser         *parser);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfSseParser, wf_sse_parser_free)

/* Maps an error object found in a body (`{"code":402,"message":…}`, or a
 * plain status) to a WF_PROVIDER_ERROR with a readable message. */
GError  *wf_http_error_for_status   (const char          *service,
                                     guint                status,
                                     const char          *server_message,
                                     gboolean             moderation);
/* The server's own explanation from the common error shapes:
 * {"error":{"message":…}}, {"error":"…"}, {"message":…}. Bounded, control
 * characters removed. NULL if none. */
char    *wf_http_dup_server_message (JsonNode            *root);

/* json-glib parses recursively: a hostile "[[[[…" of a few MiB would blow the
 * stack. TRUE when brackets nest no deeper than @max_depth (strings skipped). */
gboolean wf_json_depth_ok (const char *data,
                           gsize       len,
                           guint       max_depth);

/* Small JSON accessors that never warn on hostile input. */
JsonObject *wf_json_get_object  (JsonObject *object,
                                 const char *member);
JsonArray  *wf_json_get_array   (JsonObject *object,
                                 const char *member);
const char *wf_json_get_string  (JsonObject *object,
                                 const char *member);
gboolean    wf_json_get_int     (JsonObject *object,
                                 const char *member,
                                 gint64     *out);
gboolean    wf_http_json_get_double  (JsonObject *object,
                                 const char *member,
                                 double     *out);

G_END_DECLS
