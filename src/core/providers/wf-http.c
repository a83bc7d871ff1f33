/* wf-http.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-http"

#include "config.h"

#include <inttypes.h>

#include "wf-http.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define ERROR_BODY_MAX   (64 * 1024)
#define READ_CHUNK       16384
#define MESSAGE_MAX      300
#define RETRY_AFTER_MAX_MS (3600 * 1000)

static double wait_speedup = 0.0;   /* 0: not read from the environment yet */
G_LOCK_DEFINE_STATIC (speedup);

void
wf_http_limits_init (WfHttpLimits *limits)
{
  g_return_if_fail (limits != NULL);

  limits->deadline_ms = 60 * 1000;
  limits->idle_timeout_ms = 30 * 1000;
  limits->max_response_bytes = 4 * 1024 * 1024;
  limits->max_attempts = 4;
  limits->backoff_base_ms = 500;
  limits->backoff_max_ms = 16 * 1000;
}

void
wf_http_set_wait_speedup (double factor)
{
  G_LOCK (speedup);
  wait_speedup = factor >= 1.0 ? factor : 1.0;
  G_UNLOCK (speedup);
}

double
wf_http_get_wait_speedup (void)
{
  double ret;

  G_LOCK (speedup);
  if (wait_speedup == 0.0)
    {
      const char *env = g_getenv ("WHATIF_HTTP_TEST_SPEEDUP");
      double value = env ? g_ascii_strtod (env, NULL) : 1.0;

      wait_speedup = (isfinite (value) && value >= 1.0) ? value : 1.0;
    }
  ret = wait_speedup;
  G_UNLOCK (speedup);

  return ret;
}

typedef struct
{
  GMutex       mutex;
  GCond        cond;
  SoupSession *session;
} SessionStart;

static GMainContext *session_context;

static gpointer
session_thread (gpointer data)
{
  SessionStart *start = data;
  GMainContext *context = g_main_context_new ();
  g_autofree char *agent = g_strdup_printf ("whatif/%s", PACKAGE_VERSION);
  SoupSession *session;

  /* libsoup attaches the session's own housekeeping (queue runs when a
   * connection frees up, idle connection cleanup) to the context it was
   * created in. Callers come from the UI thread and from worker threads with
   * short-lived private contexts, so the session gets a context of its own
   * that is always being iterated. */
  g_main_context_push_thread_default (context);
  /* Deadlines and idle timeouts are enforced per request, so the session's
   * own I/O timeout only guards against a wedged socket. */
  session = soup_session_new_with_options ("user-agent", agent,
                                           "timeout", 300,
                                           "idle-timeout", 60,
                                           "max-conns", 32,
                                           "max-conns-per-host", 8,
                                           NULL);
  g_mutex_lock (&start->mutex);
  session_context = context;
  start->session = session;
  g_cond_signal (&start->cond);
  g_mutex_unlock (&start->mutex);

  for (;;)
    g_main_context_iteration (context, TRUE);

  return NULL;
}

SoupSession *
wf_http_get_session (void)
{
  static gsize once = 0;
  static SoupSession *session = NULL;

  if (g_once_init_enter (&once))
    {
      SessionStart start = { 0 };

      g_mutex_init (&start.mutex);
      g_cond_init (&start.cond);
      g_thread_unref (g_thread_new ("wf-http", session_thread, &start));
      g_mutex_lock (&start.mutex);
      while (start.session == NULL)
        g_cond_wait (&start.cond, &start.mutex);
      g_mutex_unlock (&start.mutex);
      session = start.session;
      g_mutex_clear (&start.mutex);
      g_cond_clear (&start.cond);
      g_once_init_leave (&once, 1);
    }

  return session;
}

void
wf_http_response_free (WfHttpResponse *response)
{
  if (response == NULL)
    return;

  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response->content_type);
  g_free (response->generation_id);
  g_free (response);
}

/* JSON accessors */

gboolean
wf_json_depth_ok (const char *data,
                  gsize       len,
                  guint       max_depth)
{
  guint depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return TRUE;
}

JsonObject *
wf_json_get_object (JsonObject *object,
                    const char *member)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL)
    return NULL;
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
wf_json_get_array (JsonObject *object,
                   const char *member)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL)
    return NULL;
  return JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

const char *
wf_json_get_string (JsonObject *object,
                    const char *member)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gboolean
wf_http_json_get_double (JsonObject *object,
                    const char *member,
                    double     *out)
{
  JsonNode *node;
  GType type;
  double value;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    value = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    value = json_node_get_double (node);
  else
    return FALSE;
  if (!isfinite (value))
    return FALSE;
  *out = value;
  return TRUE;
}

gboolean
wf_json_get_int (JsonObject *object,
                 const char *member,
                 gint64     *out)
{
  double value;

  if (!wf_http_json_get_double (object, member, &value))
    return FALSE;
  /* Token counts: never negative, never absurd. */
  if (value < 0 || value > 1e12)
    return FALSE;
  *out = (gint64) value;
  return TRUE;
}

static char *
sanitize_message (const char *text)
{
  GString *out;
  const char *p;

  if (text == NULL || *text == '\0')
    return NULL;
  if (!g_utf8_validate (text, -1, NULL))
    return g_strdup (_("(unreadable text)"));

  out = g_string_new (NULL);
  for (p = text; *p && out->len < MESSAGE_MAX; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  if (*p)
    g_string_append (out, "…");

  return g_string_free (out, FALSE);
}

char *
wf_http_dup_server_message (JsonNode *root)
{
  JsonObject *object;
  JsonObject *error;
  const char *text;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  error = wf_json_get_object (object, "error");
  if (error != NULL && (text = wf_json_get_string (error, "message")) != NULL)
    return sanitize_message (text);
  if ((text = wf_json_get_string (object, "error")) != NULL)
    return sanitize_message (text);
  if ((text = wf_json_get_string (object, "message")) != NULL)
    return sanitize_message (text);

  return NULL;
}

GError *
wf_http_error_for_status (const char *service,
                          guint       status,
                          const char *server_message,
                          gboolean    moderation)
{
  g_autofree char *detail = NULL;

  detail = server_message && *server_message
    ? g_strdup_printf (" (%s)", server_message) : g_strdup ("");

  if (moderation)
    return g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_FILTERED,
                        _("%s blocked the request with its content filter%s."),
                        service, detail);

  switch (status)
    {
    case 401:
    case 403:
      return g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_BAD_KEY,
                          _("%s did not accept the API key (HTTP %u)%s. Check or replace the "
                            "key in Preferences or with “whatif-cli keys set”."),
                          service, status, detail);
    case 402:
      return g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_NO_CREDITS,
                          _("%s says the account is out of credits (HTTP 402)%s. Add credits "
                            "or choose a free model."),
                          service, detail);
    case 408:
    case 504:
    case 524:
      return g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_TIMEOUT,
                          _("%s timed out while answering (HTTP %u)%s."),
                          service, status, detail);
    case 429:
      return g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_RATE_LIMITED,
                          _("%s is limiting how often it can be asked (HTTP 429)%s. Try again "
                            "in a minute."),
                          service, detail);
    case 498:
      return g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_FILTERED,
                          _("%s blocked the request with its content filter%s."),
                          service, detail);
    case 413:
      return g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_FAILED,
                          _("%s says the question is too long (HTTP 413)%s."),
                          service, detail);
    default:
      if (status >= 500)
        return g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_OVERLOADED,
                            _("%s is overloaded or unavailable (HTTP %u)%s. Try again later "
                              "or choose another model."),
                            service, status, detail);
      return g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_FAILED,
                          _("%s refused the request (HTTP %u)%s."),
                          service, status, detail);
    }
}

gint64
wf_http_parse_retry_after (const char *value,
                           gint64      now_unix_s)
{
  guint64 seconds;
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *trimmed = NULL;
  gint64 delta;

  if (value == NULL)
    return -1;
  trimmed = g_strstrip (g_strdup (value));
  if (*trimmed == '\0')
    return -1;
  if (g_ascii_string_to_unsigned (trimmed, 10, 0, G_MAXINT32, &seconds, NULL))
    return MIN ((gint64) seconds * 1000, RETRY_AFTER_MAX_MS);

  date = soup_date_time_new_from_http_string (trimmed);
  if (date == NULL)
    return -1;
  delta = g_date_time_to_unix (date) - now_unix_s;
  if (delta < 0)
    return 0;
  return MIN (delta * 1000, RETRY_AFTER_MAX_MS);
}

/* Server-sent events */

struct _WfSseParser
{
  WfHttpEventFunc func;
  gpointer        user_data;
  GString        *line;
  GString        *data;
  char           *event;
  gboolean        has_data;
  gboolean        done;
  gboolean        skip_lf;
};

WfSseParser *
wf_sse_parser_new (WfHttpEventFunc func,
                   gpointer        user_data)
{
  WfSseParser *self = g_new0 (WfSseParser, 1);

  self->func = func;
  self->user_data = user_data;
  self->line = g_string_new (NULL);
  self->data = g_string_new (NULL);

  return self;
}

void
wf_sse_parser_free (WfSseParser *self)
{
  if (self == NULL)
    return;

  g_string_free (self->line, TRUE);
  g_string_free (self->data, TRUE);
  g_free (self->event);
  g_free (self);
}

gboolean
wf_sse_parser_is_done (WfSseParser *self)
{
  return self->done;
}

static gboolean
sse_dispatch (WfSseParser  *self,
              GError      **error)
{
  gboolean ok = TRUE;

  if (self->has_data)
    {
      if (strcmp (self->data->str, "[DONE]") == 0)
        self->done = TRUE;
      else
        ok = self->func (self->event, self->data->str, self->user_data, error);
    }
  g_string_truncate (self->data, 0);
  g_clear_pointer (&self->event, g_free);
  self->has_data = FALSE;

  return ok;
}

static gboolean
sse_line (WfSseParser  *self,
          const char   *line,
          GError      **error)
{
  const char *colon;
  const char *value;
  gsize name_len;

  if (*line == '\0')
    return sse_dispatch (self, error);
  if (*line == ':')
    return TRUE;   /* comment, e.g. ": OPENROUTER PROCESSING" keep-alives */

  colon = strchr (line, ':');
  name_len = colon ? (gsize) (colon - line) : strlen (line);
  value = colon ? colon + 1 : "";
  if (*value == ' ')
    value++;

  if (name_len == 4 && strncmp (line, "data", 4) == 0)
    {
      if (self->has_data)
        g_string_append_c (self->data, '\n');
      g_string_append (self->data, value);
      self->has_data = TRUE;
    }
  else if (name_len == 5 && strncmp (line, "event", 5) == 0)
    {
      g_free (self->event);
      self->event = g_strdup (value);
    }
  /* id:, retry: and unknown fields are ignored, as the spec says. */

  return TRUE;
}

gboolean
wf_sse_parser_feed (WfSseParser  *self,
                    const char   *data,
                    gsize         len,
                    GError      **error)
{
  gsize i;

  for (i = 0; i < len && !self->done; i++)
    {
      char c = data[i];

      if (self->skip_lf)
        {
          self->skip_lf = FALSE;
          if (c == '\n')
            continue;
        }
      if (c == '\r' || c == '\n')
        {
          self->skip_lf = (c == '\r');
          if (!sse_line (self, self->line->str, error))
            return FALSE;
          g_string_truncate (self->line, 0);
        }
      else if (c == '\0')
        g_string_append_c (self->line, ' ');
      else
        g_string_append_c (self->line, c);
    }

  return TRUE;
}

gboolean
wf_sse_parser_finish (WfSseParser  *self,
                      GError      **error)
{
  if (self->done)
    return TRUE;
  if (self->line->len > 0)
    {
      if (!sse_line (self, self->line->str, error))
        return FALSE;
      g_string_truncate (self->line, 0);
    }
  /* A last event without its blank line: lenient, the caller still checks
   * that the stream's own terminator arrived. */
  return sse_dispatch (self, error);
}

/* The request */

typedef enum
{
  STOP_NONE,
  STOP_DEADLINE,
  STOP_IDLE,
  STOP_USER,
} StopReason;

typedef struct
{
  char              *service;
  char              *url;
  GStrv              headers;
  GBytes            *body;
  WfHttpLimits       limits;
  WfHttpEventFunc    on_event;
  gpointer           on_event_data;

  GMainContext      *context;         /* the caller's: events and the result go there */
  GMainContext      *io_context;      /* the session's thread: all I/O happens there */
  GTask             *task;            /* not a reference: the task owns this */
  GMutex             lock;
  GError            *event_error;     /* set by an event callback that said stop */
  GError            *final_error;
  GCancellable      *user_cancellable;
  gulong             user_cancel_id;
  GCancellable      *cancellable;     /* ours: deadline, idle and the user's cancel */
  gint               stop_reason;     /* StopReason, atomic */
  GSource           *deadline_source;
  GSource           *idle_source;
  GSource           *wait_source;
  GSource           *wait_cancel_source;
  gint64             start_us;

  SoupMessage       *message;
  GInputStream      *stream;
  GByteArray        *buffer;
  gsize              received;
  gboolean           reading_error_body;
  WfSseParser       *parser;
  WfHttpResponse    *response;
  GError            *last_error;
} Request;

static void
request_free (Request *req)
{
  g_assert (req->deadline_source == NULL);
  g_free (req->service);
  g_free (req->url);
  g_strfreev (req->headers);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_clear_pointer (&req->context, g_main_context_unref);
  g_clear_pointer (&req->io_context, g_main_context_unref);
  g_clear_error (&req->event_error);
  g_clear_error (&req->final_error);
  g_mutex_clear (&req->lock);
  g_clear_object (&req->user_cancellable);
  g_clear_object (&req->cancellable);
  g_clear_object (&req->message);
  g_clear_object (&req->stream);
  g_clear_pointer (&req->buffer, g_byte_array_unref);
  g_clear_pointer (&req->parser, wf_sse_parser_free);
  g_clear_pointer (&req->response, wf_http_response_free);
  g_clear_error (&req->last_error);
  g_free (req);
}

static void
destroy_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_source_unref (*source);
      *source = NULL;
    }
}

static void
request_cleanup (Request *req)
{
  destroy_source (&req->deadline_source);
  destroy_source (&req->idle_source);
  destroy_source (&req->wait_source);
  destroy_source (&req->wait_cancel_source);
  if (req->user_cancel_id != 0)
    {
      g_cancellable_disconnect (req->user_cancellable, req->user_cancel_id);
      req->user_cancel_id = 0;
    }
}

/* Scrubs every header value (the key travels in one) from a server's text,
 * in case a server echoes it back. */
static char *
scrub_headers (Request    *req,
               const char *text)
{
  g_autoptr(GString) out = NULL;

  if (text == NULL)
    return NULL;
  out = g_string_new (text);
  for (guint i = 0; req->headers && req->headers[i] && req->headers[i + 1]; i += 2)
    {
      const char *value = req->headers[i + 1];

      if (g_ascii_strcasecmp (req->headers[i], "Authorization") == 0
          && g_str_has_prefix (value, "Bearer "))
        value += strlen ("Bearer ");
      if (strlen (value) >= 8)
        g_string_replace (out, value, "[redacted]", 0);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
finish_in_caller (gpointer data)
{
  GTask *task = data;
  Request *req = g_task_get_task_data (task);
  GError *event_error;

  g_mutex_lock (&req->lock);
  event_error = g_steal_pointer (&req->event_error);
  g_mutex_unlock (&req->lock);

  /* Queued after every event, so all of them have been handed over. An
   * event callback that said stop wins over whatever the reader saw next. */
  if (event_error != NULL)
    g_task_return_error (task, event_error);
  else if (req->final_error != NULL)
    g_task_return_error (task, g_steal_pointer (&req->final_error));
  else
    g_task_return_pointer (task, g_steal_pointer (&req->response),
                           (GDestroyNotify) wf_http_response_free);

  return G_SOURCE_REMOVE;
}

/* Runs on the I/O thread; the task completes on the caller's context. */
static void
complete (GTask  *task,
          GError *error)
{
  Request *req = g_task_get_task_data (task);

  request_cleanup (req);
  /* libsoup objects are released here, on their thread. A body not read to
   * its end (a stream stopped at [DONE] or by a timeout) is cancelled first
   * so closing it does not wait for the rest. */
  g_cancellable_cancel (req->cancellable);
  g_clear_object (&req->stream);
  g_clear_object (&req->message);
  req->final_error = error;
  g_main_context_invoke_full (req->context, G_PRIORITY_DEFAULT, finish_in_caller,
                              g_object_ref (task), g_object_unref);
}

static void
return_error (GTask  *task,
              GError *error)
{
  complete (task, error);
}

static GError *
stop_error (Request *req,
            GError  *cause)
{
  switch ((StopReason) g_atomic_int_get (&req->stop_reason))
    {
    case STOP_DEADLINE:
      return g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_TIMEOUT,
                          _("%s did not finish answering within %d seconds."),
                          req->service, (int) MAX (1, req->limits.deadline_ms / 1000));
    case STOP_IDLE:
      return g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_TIMEOUT,
                          _("%s sent nothing for %d seconds; gave up waiting."),
                          req->service, (int) MAX (1, req->limits.idle_timeout_ms / 1000));
    case STOP_USER:
      return g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_CANCELLED,
                          _("The request to %s was cancelled."), req->service);
    case STOP_NONE:
    default:
      return g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_NETWORK,
                          _("The connection to %s failed: %s"), req->service,
                          cause ? cause->message : _("unknown error"));
    }
}

static gboolean
cancel_in_io_thread (gpointer data)
{
  Request *req = g_task_get_task_data (data);

  g_cancellable_cancel (req->cancellable);
  return G_SOURCE_REMOVE;
}

/* libsoup reacts to a cancel on the thread that cancels, so the cancel itself
 * always happens on the I/O thread. Safe from any thread. */
static void
stop (Request   *req,
      StopReason reason)
{
  if (!g_atomic_int_compare_and_exchange (&req->stop_reason, STOP_NONE, reason))
    return;
  g_main_context_invoke_full (req->io_context, G_PRIORITY_HIGH, cancel_in_io_thread,
                              g_object_ref (req->task), g_object_unref);
}

static gboolean
deadline_cb (gpointer data)
{
  Request *req = data;

  stop (req, STOP_DEADLINE);
  return G_SOURCE_CONTINUE;   /* destroyed by request_cleanup */
}

static gboolean
idle_cb (gpointer data)
{
  Request *req = data;

  stop (req, STOP_IDLE);
  return G_SOURCE_CONTINUE;
}

static void
user_cancelled_cb (GCancellable *cancellable,
                   gpointer      data)
{
  Request *req = data;

  /* May run on any thread: only atomics and a thread-safe cancel. */
  stop (req, STOP_USER);
}

static void
arm_idle (Request *req)
{
  destroy_source (&req->idle_source);
  if (req->limits.idle_timeout_ms <= 0)
    return;
  req->idle_source = g_timeout_source_new ((guint) req->limits.idle_timeout_ms);
  g_source_set_callback (req->idle_source, idle_cb, req, NULL);
  g_source_attach (req->idle_source, req->io_context);
}

static gint64
remaining_ms (Request *req)
{
  gint64 elapsed = (g_get_monotonic_time () - req->start_us) / 1000;

  return req->limits.deadline_ms - elapsed;
}

static void start_attempt (GTask *task);

static gboolean
wait_done_cb (gpointer data)
{
  GTask *task = data;
  Request *req = g_task_get_task_data (task);

  destroy_source (&req->wait_source);
  destroy_source (&req->wait_cancel_source);
  start_attempt (task);

  return G_SOURCE_REMOVE;
}

static gboolean
wait_cancelled_cb (GCancellable *cancellable,
                   gpointer      data)
{
  GTask *task = data;
  Request *req = g_task_get_task_data (task);

  g_clear_error (&req->last_error);
  return_error (task, stop_error (req, NULL));
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

/* Decides whether a failed attempt may be retried; takes @error. Either
 * schedules the next attempt or finishes the task. Consumes the task ref. */
static void
retry_or_fail (GTask  *task,
               GError *error,
               gint64  retry_after_ms)
{
  Request *req = g_task_get_task_data (task);
  double speedup = wf_http_get_wait_speedup ();
  gint64 wait_ms;
  gint64 scaled_ms;

  g_clear_error (&req->last_error);

  if (req->response->attempts >= req->limits.max_attempts)
    {
      g_prefix_error (&error, _("Gave up after %u attempts. "), req->response->attempts);
      return_error (task, error);
      g_object_unref (task);
      return;
    }

  if (retry_after_ms >= 0)
    {
      /* Honour the server's wish, plus a little jitter so that many clients
       * told the same thing do not come back in the same millisecond. */
      wait_ms = retry_after_ms + g_random_int_range (0, (gint32) (retry_after_ms / 10 + 50));
    }
  else
    {
      gint64 cap = req->limits.backoff_base_ms;

      for (guint i = 1; i < req->response->attempts && cap < req->limits.backoff_max_ms; i++)
        cap *= 2;
      cap = MIN (cap, req->limits.backoff_max_ms);
      /* "Equal jitter": half fixed, half random. */
      wait_ms = cap / 2 + g_random_int_range (0, (gint32) MAX (1, cap / 2 + 1));
    }

  scaled_ms = (gint64) (wait_ms / speedup);
  if (scaled_ms >= remaining_ms (req))
    {
      if (retry_after_ms >= 0)
        g_prefix_error (&error, _("Asked to wait %d s, longer than the time left. "),
                        (int) ((retry_after_ms + 999) / 1000));
      return_error (task, error);
      g_object_unref (task);
      return;
    }

  g_debug ("%s: attempt %u failed (%s); retrying in %" G_GINT64_FORMAT " ms",
           req->service, req->response->attempts, error->message, scaled_ms);
  req->last_error = error;
  req->response->waited_ms += wait_ms;
  /* Waiting as asked is not the server going quiet. */
  destroy_source (&req->idle_source);

  req->wait_source = g_timeout_source_new ((guint) MAX (0, scaled_ms));
  g_source_set_callback (req->wait_source, wait_done_cb, task, NULL);
  g_source_attach (req->wait_source, req->io_context);
  req->wait_cancel_source = g_cancellable_source_new (req->cancellable);
  g_source_set_callback (req->wait_cancel_source, (GSourceFunc) (void (*)(void)) wait_cancelled_cb,
                         task, NULL);
  g_source_attach (req->wait_cancel_source, req->io_context);
}

typedef struct
{
  GTask *task;
  char  *event;
  char  *data;
} EventCopy;

static void
event_copy_free (gpointer data)
{
  EventCopy *copy = data;

  g_object_unref (copy->task);
  g_free (copy->event);
  g_free (copy->data);
  g_free (copy);
}

static gboolean
event_in_caller (gpointer data)
{
  EventCopy *copy = data;
  Request *req = g_task_get_task_data (copy->task);
  GError *error = NULL;
  gboolean stopped;

  g_mutex_lock (&req->lock);
  stopped = req->event_error != NULL;
  g_mutex_unlock (&req->lock);
  if (stopped)
    return G_SOURCE_REMOVE;

  if (!req->on_event (copy->event, copy->data, req->on_event_data, &error))
    {
      if (error == NULL)
        error = g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_FAILED,
                             _("The answer from %s could not be used."), req->service);
      g_mutex_lock (&req->lock);
      req->event_error = error;
      g_mutex_unlock (&req->lock);
      stop (req, STOP_USER);
    }

  return G_SOURCE_REMOVE;
}

/* The parser runs on the I/O thread; each event is handed to the caller's
 * context in order, where the caller's callback runs. */
static gboolean
deliver_event (const char  *event,
               const char  *data,
               gpointer     user_data,
               GError     **error)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);
  EventCopy *copy = g_new0 (EventCopy, 1);

  copy->task = g_object_ref (task);
  copy->event = g_strdup (event);
  copy->data = g_strdup (data);
  g_main_context_invoke_full (req->context, G_PRIORITY_DEFAULT, event_in_caller, copy,
                              event_copy_free);

  return TRUE;
}

static gboolean
status_is_retryable (guint status)
{
  return status == 408 || status == 429 || (status >= 500 && status != 501);
}

static void read_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data);

static void
read_next (GTask *task)
{
  Request *req = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (req->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   req->cancellable, read_cb, task);
}

static void
finish_error_body (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  guint status = req->response->status;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *raw_message = NULL;
  g_autofree char *message = NULL;
  gboolean moderation = FALSE;
  gint64 retry_after = -1;
  GError *error;

  if (req->buffer->len > 0
      && wf_json_depth_ok ((const char *) req->buffer->data, req->buffer->len, 64)
      && json_parser_load_from_data (parser, (const char *) req->buffer->data,
                                     req->buffer->len, NULL))
    {
      JsonNode *root = json_parser_get_root (parser);
      JsonObject *err = JSON_NODE_HOLDS_OBJECT (root)
        ? wf_json_get_object (json_node_get_object (root), "error") : NULL;
      JsonObject *meta = wf_json_get_object (err, "metadata");

      raw_message = wf_http_dup_server_message (root);
      /* OpenRouter's 403 is a guardrail or moderation block, not a bad key. */
      moderation = status == 403 && meta != NULL
        && (json_object_has_member (meta, "reasons")
            || json_object_has_member (meta, "flagged_input"));
    }
  message = scrub_headers (req, raw_message);
  error = wf_http_error_for_status (req->service, status, message, moderation);

  if (status_is_retryable (status))
    {
      SoupMessageHeaders *headers = soup_message_get_response_headers (req->message);

      retry_after = wf_http_parse_retry_after (soup_message_headers_get_one (headers, "Retry-After"),
                                               g_get_real_time () / G_USEC_PER_SEC);
      retry_or_fail (task, error, retry_after);
      return;
    }

  return_error (task, error);
  g_object_unref (task);
}

static void
finish_body (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (req->parser != NULL)
    {
      if (!wf_sse_parser_finish (req->parser, &error))
        {
          return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
      req->response->sse_done = wf_sse_parser_is_done (req->parser);
    }
  else
    req->response->body = g_byte_array_free_to_bytes (g_steal_pointer (&req->buffer));

  complete (task, NULL);
  g_object_unref (task);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  gsize cap;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL)
    {
      GError *out;

      if (g_atomic_int_get (&req->stop_reason) != STOP_NONE)
        out = stop_error (req, error);
      else if (req->reading_error_body)
        {
          /* A broken error body still tells us the status. */
          finish_error_body (task);
          return;
        }
      else
        out = g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_MALFORMED,
                           _("The answer from %s broke off before it was complete (%s)."),
                           req->service, error->message);
      return_error (task, out);
      g_object_unref (task);
      return;
    }

  arm_idle (req);
  len = g_bytes_get_size (bytes);
  if (len == 0)
    {
      SoupMessageHeaders *headers = soup_message_get_response_headers (req->message);

      /* libsoup ends a body early without an error when the server closes
       * before Content-Length bytes came: that is a cut answer. */
      if (!req->reading_error_body
          && soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
          && (goffset) req->received < soup_message_headers_get_content_length (headers))
        {
          return_error (task, g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_MALFORMED,
                                           _("The answer from %s broke off before it was "
                                             "complete (%" PRId64 " of %" PRId64 " bytes)."),
                                           req->service, (gint64) req->received,
                                           (gint64) soup_message_headers_get_content_length (headers)));
          g_object_unref (task);
          return;
        }
      if (req->reading_error_body)
        finish_error_body (task);
      else
        finish_body (task);
      return;
    }

  req->received += len;
  cap = req->reading_error_body ? ERROR_BODY_MAX : req->limits.max_response_bytes;
  if (req->received > cap)
    {
      if (req->reading_error_body)
        {
          finish_error_body (task);
          return;
        }
      return_error (task, g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_TOO_LARGE,
                                       _("The answer from %s was larger than %" PRId64
                                         " KiB and was discarded."),
                                       req->service, (gint64) (cap / 1024)));
      g_object_unref (task);
      return;
    }

  if (req->parser != NULL)
    {
      if (!wf_sse_parser_feed (req->parser, g_bytes_get_data (bytes, NULL), len, &error))
        {
          return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
      if (wf_sse_parser_is_done (req->parser))
        {
          finish_body (task);
          return;
        }
    }
  else
    g_byte_array_append (req->buffer, g_bytes_get_data (bytes, NULL), len);

  read_next (task);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  const char *content_type;
  goffset length;
  guint status;

  req->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (req->stream == NULL)
    {
      if (g_atomic_int_get (&req->stop_reason) != STOP_NONE)
        {
          return_error (task, stop_error (req, error));
          g_object_unref (task);
          return;
        }
      /* Refused, reset, DNS: transient, so retried within the deadline. */
      retry_or_fail (task,
                     g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_NETWORK,
                                  _("Could not reach %s: %s"), req->service, error->message),
                     -1);
      return;
    }

  arm_idle (req);
  status = soup_message_get_status (req->message);
  headers = soup_message_get_response_headers (req->message);
  req->response->status = status;
  g_clear_pointer (&req->response->content_type, g_free);
  content_type = soup_message_headers_get_content_type (headers, NULL);
  req->response->content_type = g_strdup (content_type);
  g_clear_pointer (&req->response->generation_id, g_free);
  req->response->generation_id = g_strdup (soup_message_headers_get_one (headers,
                                                                         "X-Generation-Id"));
  req->received = 0;
  g_clear_pointer (&req->buffer, g_byte_array_unref);
  req->buffer = g_byte_array_new ();
  g_clear_pointer (&req->parser, wf_sse_parser_free);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      req->reading_error_body = TRUE;
      read_next (task);
      return;
    }
  req->reading_error_body = FALSE;

  length = soup_message_headers_get_content_length (headers);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && length > 0 && (guint64) length > req->limits.max_response_bytes)
    {
      return_error (task, g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_TOO_LARGE,
                                       _("The answer from %s was larger than %" PRId64
                                         " KiB and was discarded."),
                                       req->service, (gint64) (req->limits.max_response_bytes / 1024)));
      g_object_unref (task);
      return;
    }

  if (req->on_event != NULL && content_type != NULL
      && g_ascii_strcasecmp (content_type, "text/event-stream") == 0)
    {
      req->parser = wf_sse_parser_new (deliver_event, task);
      req->response->sse = TRUE;
    }

  read_next (task);
}

static void
start_attempt (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;

  g_clear_object (&req->message);
  g_clear_object (&req->stream);

  uri = g_uri_parse (req->url, SOUP_HTTP_URI_FLAGS, &error);
  if (uri == NULL
      || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0
          && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      return_error (task, g_error_new (WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_NOT_CONFIGURED,
                                       _("The address set for %s is not a valid http(s) URL."),
                                       req->service));
      g_object_unref (task);
      return;
    }

  req->response->attempts++;
  req->message = soup_message_new_from_uri (SOUP_METHOD_POST, uri);
  headers = soup_message_get_request_headers (req->message);
  for (guint i = 0; req->headers && req->headers[i] && req->headers[i + 1]; i += 2)
    soup_message_headers_replace (headers, req->headers[i], req->headers[i + 1]);
  soup_message_set_request_body_from_bytes (req->message, "application/json", req->body);

  arm_idle (req);
  soup_session_send_async (wf_http_get_session (), req->message, G_PRIORITY_DEFAULT,
                           req->cancellable, send_cb, task);
}

static gboolean
start_in_io_thread (gpointer data)
{
  start_attempt (data);
  return G_SOURCE_REMOVE;
}

void
wf_http_post_json_async (const WfHttpRequest *request,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;
  Request *req;
  guint n = 0;

  g_return_if_fail (request != NULL);
  g_return_if_fail (request->url != NULL);
  g_return_if_fail (request->body != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, wf_http_post_json_async);
  g_task_set_check_cancellable (task, FALSE);

  req = g_new0 (Request, 1);
  req->service = g_strdup (request->service ? request->service : "The server");
  req->url = g_strdup (request->url);
  if (request->headers != NULL)
    while (request->headers[n] != NULL)
      n++;
  req->headers = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    req->headers[i] = g_strdup (request->headers[i]);
  req->body = g_bytes_ref (request->body);
  if (request->limits != NULL)
    req->limits = *request->limits;
  else
    wf_http_limits_init (&req->limits);
  req->limits.max_attempts = MAX (1, req->limits.max_attempts);
  req->on_event = request->on_event;
  req->on_event_data = request->on_event_data;
  req->context = g_main_context_ref_thread_default ();
  wf_http_get_session ();
  req->io_context = g_main_context_ref (session_context);
  g_mutex_init (&req->lock);
  req->cancellable = g_cancellable_new ();
  req->response = g_new0 (WfHttpResponse, 1);
  req->start_us = g_get_monotonic_time ();
  g_task_set_task_data (task, req, (GDestroyNotify) request_free);
  req->task = task;

  if (req->limits.deadline_ms > 0)
    {
      req->deadline_source = g_timeout_source_new ((guint) req->limits.deadline_ms);
      g_source_set_callback (req->deadline_source, deadline_cb, req, NULL);
      g_source_attach (req->deadline_source, req->io_context);
    }
  else
    req->limits.deadline_ms = G_MAXINT32;

  if (cancellable != NULL)
    {
      req->user_cancellable = g_object_ref (cancellable);
      req->user_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (user_cancelled_cb),
                                                   req, NULL);
    }

  /* Every step of the request runs on the session's thread, whose context
   * is always iterated: libsoup's per-message work never lands on a caller's
   * short-lived private context. */
  g_main_context_invoke (req->io_context, start_in_io_thread, task);
}

WfHttpResponse *
wf_http_post_json_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
