/* wf-sandbox-e2b.c: the E2B cloud sandbox backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One job = one fresh E2B sandbox: create it from the code-interpreter
 * template (no internet access), POST the code to its Jupyter-backed
 * /execute route, read the NDJSON stream, kill the sandbox. A sandbox is never
 * reused, so no state leaks from one job to the next.
 *
 * The remote side has no whatif runner, and /execute is the only route the
 * code-interpreter wire format documents (provider-apis.md §4.2): it takes
 * code, not files. So the code we send is a small prelude that defines the
 * `whatif` module in memory, followed by a call that runs the job's code
 * (base64-encoded, so no quoting can break out) in a fresh namespace. The
 * helpers print protocol lines on stdout behind a random per-job marker; the
 * client takes those lines out of stdout and folds them into the result with
 * the same collector the Flatpak backend uses. A program that finds the marker
 * can only spoof its own results, which the collector still bounds.
 *
 * The run vfunc is synchronous (called from a worker thread): it drives the
 * async libsoup API on a private GMainContext, which lets one loop serve the
 * wall-clock timer, the caller's cancellable and the stream.
 */
#define G_LOG_DOMAIN "wf-sandbox-e2b"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "wf-sandbox-e2b.h"
#include "wf-result-collector.h"

#define DEFAULT_API_URL      "https://api.e2b.app"
#define DEFAULT_DOMAIN       "e2b.app"
#define TEMPLATE_ID          "code-interpreter-v1"
#define EXECUTE_PORT         "49999"
#define MAX_SMALL_BODY       (64 * 1024)
#define READ_CHUNK           (64 * 1024)
#define MAX_STREAM_LINE      (WF_RESULT_COLLECTOR_MAX_LINE + 1024)
#define MAX_SERVER_MESSAGE   200

struct _WfSandboxE2b
{
  GObject  parent_instance;

  char    *api_url;
  char    *sandbox_url;
  guint    request_timeout;
};

static void wf_sandbox_e2b_iface_init (WfSandboxInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WfSandboxE2b, wf_sandbox_e2b, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (WF_TYPE_SANDBOX, wf_sandbox_e2b_iface_init))

enum {
  PROP_0,
  PROP_API_URL,
  PROP_SANDBOX_URL,
  PROP_REQUEST_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The prelude: the whatif helpers for a kernel that has no runner. Kept in
 * step with the local runner's helper API (wf.table/metric/chart/param/load). */
static const char prelude[] =
  "def _wf_main(_cfg_b64, _src_b64):\n"
  "    import base64, json, math, sys, time, types\n"
  "    cfg = json.loads(base64.b64decode(_cfg_b64).decode('utf-8'))\n"
  "    src = base64.b64decode(_src_b64).decode('utf-8')\n"
  "    marker = cfg['marker']\n"
  "    overrides = cfg.get('overrides') or {}\n"
  "    max_rows = int(cfg.get('table_rows', 100000))\n"
  "    try:\n"
  "        import resource\n"
  "        used = resource.getrusage(resource.RUSAGE_SELF)\n"
  "        cpu = int(used.ru_utime + used.ru_stime) + max(1, int(cfg.get('cpu_ms', 20000)) // 1000)\n"
  "        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))\n"
  "        with open('/proc/self/statm') as f:\n"
  "            vm = int(f.read().split()[0]) * resource.getpagesize()\n"
  "        mem = vm + int(cfg.get('memory_bytes', 1 << 30))\n"
  "        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))\n"
  "    except Exception:\n"
  "        pass\n"
  "    def clean(v):\n"
  "        if v is None or isinstance(v, (bool, str)):\n"
  "            return v\n"
  "        if isinstance(v, int):\n"
  "            return v if abs(v) < 2 ** 53 else float(v)\n"
  "        if isinstance(v, float):\n"
  "            return v if math.isfinite(v) else None\n"
  "        if hasattr(v, 'item') and not hasattr(v, '__len__'):\n"
  "            try:\n"
  "                return clean(v.item())\n"
  "            except Exception:\n"
  "                pass\n"
  "        if hasattr(v, 'isoformat'):\n"
  "            try:\n"
  "                return v.isoformat()\n"
  "            except Exception:\n"
  "                return None\n"
  "        try:\n"
  "            f = float(v)\n"
  "            return f if math.isfinite(f) else None\n"
  "        except Exception:\n"
  "            return str(v)\n"
  "    def emit(obj):\n"
  "        line = json.dumps(obj, allow_nan=False, ensure_ascii=False)\n"
  "        sys.stdout.write('\\n' + marker + line + '\\n')\n"
  "        sys.stdout.flush()\n"
  "    def table(name, data, columns=None):\n"
  "        if hasattr(data, 'itertuples') and hasattr(data, 'columns'):\n"
  "            if type(data.index).__name__ != 'RangeIndex':\n"
  "                data = data.reset_index()\n"
  "            cols = [str(c) for c in data.columns]\n"
  "            rows = []\n"
  "            for i, r in enumerate(data.itertuples(index=False, name=None)):\n"
  "                if i >= max_rows:\n"
  "                    break\n"
  "                rows.append([clean(x) for x in r])\n"
  "        else:\n"
  "            data = list(data)\n"
  "            if data and isinstance(data[0], dict):\n"
  "                cols = list(columns) if columns else list(dict.fromkeys(k for d in data for k in d))\n"
  "                rows = [[clean(d.get(c)) for c in cols] for d in data[:max_rows]]\n"
  "            else:\n"
  "                rows = [[clean(x) for x in r] for r in data[:max_rows]]\n"
  "                width = max((len(r) for r in rows), default=0)\n"
  "                cols = [str(c) for c in columns] if columns else ['col%d' % (i + 1) for i in range(width)]\n"
  "                rows = [(r + [None] * len(cols))[:len(cols)] for r in rows]\n"
  "            cols = [str(c) for c in cols]\n"
  "        emit({'type': 'table', 'name': str(name), 'columns': cols, 'rows': rows})\n"
  "    def metric(name, value, unit=None):\n"
  "        emit({'type': 'metric', 'name': str(name), 'value': clean(value),\n"
  "              'unit': None if unit is None else str(unit)})\n"
  "        return value\n"
  "    def chart(kind, title, x, series):\n"
  "        if isinstance(series, dict):\n"
  "            series = [{'name': k, 'values': v} for k, v in series.items()]\n"
  "        out = [{'name': str(s['name']), 'values': [clean(v) for v in s['values']]} for s in series]\n"
  "        emit({'type': 'chart', 'kind': str(kind), 'title': str(title),\n"
  "              'x': [clean(v) for v in x], 'series': out})\n"
  "    def param(label, default, kind='number', min=None, max=None, step=None):\n"
  "        value = overrides.get(label, default)\n"
  "        if isinstance(default, int) and not isinstance(default, bool) and float(value).is_integer():\n"
  "            value = int(value)\n"
  "        emit({'type': 'param', 'label': str(label), 'kind': str(kind), 'value': clean(value),\n"
  "              'min': clean(min), 'max': clean(max), 'step': clean(step)})\n"
  "        return value\n"
  "    def load(name):\n"
  "        raise RuntimeError('Imported datasets are not available in the E2B cloud sandbox; '\n"
  "                           'run this model with the local sandbox to use wf.load().')\n"
  "    def log(message):\n"
  "        emit({'type': 'log', 'level': 'info', 'message': str(message)})\n"
  "    wf = types.ModuleType('whatif')\n"
  "    wf.table, wf.metric, wf.chart, wf.param, wf.load, wf.log = table, metric, chart, param, load, log\n"
  "    sys.modules['whatif'] = wf\n"
  "    ns = {'__name__': '__main__', '__builtins__': __builtins__}\n"
  "    t0, w0 = time.process_time(), time.monotonic()\n"
  "    exec(compile(src, '<job>', 'exec'), ns)\n"
  "    result = ns.get('result')\n"
  "    if hasattr(result, 'itertuples') and hasattr(result, 'columns'):\n"
  "        table('result', result)\n"
  "    rss = 0\n"
  "    try:\n"
  "        import resource\n"
  "        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
  "    except Exception:\n"
  "        pass\n"
  "    emit({'type': 'done', 'status': 'ok', 'exit_code': 0,\n"
  "          'wall_ms': int((time.monotonic() - w0) * 1000),\n"
  "          'cpu_ms': int((time.process_time() - t0) * 1000), 'peak_rss_kb': rss})\n";

/* The one place the E2B key is read. The secrets module will replace this. */
static char *
dup_api_key (void)
{
  const char *key = g_getenv ("E2B_API_KEY");

  if (key == NULL || *key == '\0')
    return NULL;

  return g_strdup (key);
}

/* ---- waiting on async calls from a synchronous vfunc ---- */

typedef struct
{
  GAsyncResult *result;
} Wait;

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
}

static GAsyncResult *
wait_for (GMainContext *context,
          Wait         *wait)
{
  while (wait->result == NULL)
    g_main_context_iteration (context, TRUE);

  return wait->result;
}

typedef struct
{
  WfSandboxE2b  *self;
  GMainContext  *context;
  SoupSession   *session;
  GCancellable  *cancellable;   /* ours: cancelled by the caller's one or the wall timer */
  char          *api_key;
  gboolean       timed_out;
  int            caller_cancelled;   /* atomic: set from the cancelling thread */
} RunState;

typedef struct
{
  char *id;
  char *access_token;
  char *traffic_token;
  char *domain;
} RemoteSandbox;

static void
remote_sandbox_clear (RemoteSandbox *sandbox)
{
  g_clear_pointer (&sandbox->id, g_free);
  g_clear_pointer (&sandbox->access_token, g_free);
  g_clear_pointer (&sandbox->traffic_token, g_free);
  g_clear_pointer (&sandbox->domain, g_free);
}

static GInputStream *
send_message (RunState      *state,
              SoupMessage   *msg,
              GCancellable  *cancellable,
              GError       **error)
{
  Wait wait = { NULL };
  GInputStream *stream;

  soup_session_send_async (state->session, msg, G_PRIORITY_DEFAULT, cancellable, wait_cb, &wait);
  stream = soup_session_send_finish (state->session, wait_for (state->context, &wait), error);
  g_object_unref (wait.result);

  return stream;
}

static gssize
read_some (RunState      *state,
           GInputStream  *stream,
           char          *buffer,
           gsize          size,
           GCancellable  *cancellable,
           GError       **error)
{
  Wait wait = { NULL };
  gssize n;

  g_input_stream_read_async (stream, buffer, size, G_PRIORITY_DEFAULT, cancellable, wait_cb, &wait);
  n = g_input_stream_read_finish (stream, wait_for (state->context, &wait), error);
  g_object_unref (wait.result);

  return n;
}

/* Reads a short body (a reply or an error), at most MAX_SMALL_BODY bytes. */
static GBytes *
read_small_body (RunState      *state,
                 GInputStream  *stream,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  char buffer[8192];

  for (;;)
    {
      gssize n = read_some (state, stream, buffer, sizeof buffer, cancellable, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      if (bytes->len + (gsize) n > MAX_SMALL_BODY)
        {
          g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_REMOTE,
                       _("E2B sent a reply larger than %d KiB"), MAX_SMALL_BODY / 1024);
          return NULL;
        }
      g_byte_array_append (bytes, (const guint8 *) buffer, (guint) n);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/* What a person can be shown of a server's message: printable, short. */
static char *
server_message (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autofree char *text = NULL;
  GString *clean;
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;

  if (data == NULL || len == 0)
    return NULL;

  if (json_parser_load_from_data (parser, data, (gssize) len, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *object = json_node_get_object (json_parser_get_root (parser));
      JsonNode *message = json_object_get_member (object, "message");

      if (message != NULL && JSON_NODE_HOLDS_VALUE (message) &&
          json_node_get_value_type (message) == G_TYPE_STRING)
        text = g_utf8_make_valid (json_node_get_string (message), -1);
    }

  if (text == NULL)
    text = g_utf8_make_valid (data, (gssize) MIN (len, 4096));

  clean = g_string_new (NULL);
  for (const char *p = text; *p != '\0' && g_utf8_strlen (clean->str, -1) < MAX_SERVER_MESSAGE;
       p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (clean, g_unichar_iscntrl (c) ? ' ' : c);
    }
  g_strstrip (clean->str);

  if (clean->str[0] == '\0')
    {
      g_string_free (clean, TRUE);
      return NULL;
    }

  return g_string_free (clean, FALSE);
}

typedef enum
{
  STEP_CREATE,
  STEP_EXECUTE,
} Step;

static void
set_http_error (SoupMessage  *msg,
                GBytes       *body,
                Step          step,
                GError      **error)
{
  guint status = soup_message_get_status (msg);
  g_autofree char *detail = server_message (body);
  const char *what = step == STEP_CREATE ? _("start a sandbox") : _("run the code");

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_REMOTE,
                   _("E2B rejected the API key (HTTP %u). Check the E2B key in the settings."),
                   status);
    }
  else if (status == 429)
    {
      const char *retry = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                        "Retry-After");
      guint64 seconds = 0;

      if (retry != NULL && g_ascii_string_to_unsigned (retry, 10, 1, 3600, &seconds, NULL))
        g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_REMOTE,
                     _("E2B’s rate limit was reached (HTTP 429). Try again in %u seconds."),
                     (guint) seconds);
      else
        g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_REMOTE,
                     _("E2B’s rate limit was reached (HTTP 429). Wait a minute and try again."));
    }
  else if (status >= 500)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_REMOTE,
                   _("E2B could not %s (HTTP %u%s%s). The problem is on E2B’s side; try again later."),
                   what, status, detail ? ": " : "", detail ? detail : "");
    }
  else
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_REMOTE,
                   _("E2B refused to %s (HTTP %u%s%s)."),
                   what, status, detail ? ": " : "", detail ? detail : "");
    }
}

/* Turns a transport error into one a person understands. */
static void
set_transport_error (RunState  *state,
                     GError    *local_error,
                     GError   **error)
{
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && g_atomic_int_get (&state->caller_cancelled))
    g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_CANCELLED, _("The run was cancelled"));
  else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_REMOTE,
                 _("E2B stopped answering (nothing received for %u seconds)."),
                 state->self->request_timeout);
  else
    g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_REMOTE,
                 _("Could not reach E2B: %s"), local_error->message);
}

static gboolean
valid_token (const char *s,
             const char *extra)
{
  if (s == NULL || *s == '\0' || strlen (s) > 4096)
    return FALSE;

  for (const char *p = s; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr (extra, *p) == NULL)
      return FALSE;

  return TRUE;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);

  return NULL;
}

static gboolean
create_sandbox (RunState       *state,
                const WfJob    *job,
                RemoteSandbox  *out,
                GError        **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) request = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *url = g_strconcat (state->self->api_url, "/sandboxes", NULL);
  g_autofree char *json = NULL;
  JsonObject *object;
  const char *id, *domain, *token, *traffic;
  gint64 ttl;

  /* The sandbox dies on its own shortly after the job's wall limit, even if
   * our kill never arrives. */
  ttl = CLAMP (job->limits.wall_ms / 1000 + 60, 30, 3600);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "templateID");
  json_builder_add_string_value (builder, TEMPLATE_ID);
  json_builder_set_member_name (builder, "timeout");
  json_builder_add_int_value (builder, ttl);
  json_builder_set_member_name (builder, "metadata");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "app");
  json_builder_add_string_value (builder, "whatif");
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "envVars");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "secure");
  json_builder_add_boolean_value (builder, TRUE);
  /* Generated code needs no network; sandbox-notes §1.6: turn it off. */
  json_builder_set_member_name (builder, "allow_internet_access");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  request = g_bytes_new (json, strlen (json));

  msg = soup_message_new ("POST", url);
  if (msg == NULL)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE,
                   _("The E2B address “%s” is not a valid URL"), state->self->api_url);
      return FALSE;
    }
  soup_message_headers_append (soup_message_get_request_headers (msg), "X-API-Key", state->api_key);
  soup_message_set_request_body_from_bytes (msg, "application/json", request);

  stream = send_message (state, msg, state->cancellable, &local_error);
  if (stream == NULL)
    {
      set_transport_error (state, local_error, error);
      return FALSE;
    }

  body = read_small_body (state, stream, state->cancellable, &local_error);
  if (body == NULL)
    {
      if (local_error->domain == WF_SANDBOX_ERROR)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        set_transport_error (state, local_error, error);
      return FALSE;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
    {
      set_http_error (msg, body, STEP_CREATE, error);
      return FALSE;
    }

  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_REMOTE,
                   _("E2B answered the sandbox request with something that is not JSON"));
      return FALSE;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  id = member_string (object, "sandboxID");
  domain = member_string (object, "domain");
  token = member_string (object, "envdAccessToken");
  traffic = member_string (object, "trafficAccessToken");

  /* These end up in a host name and in headers: accept only what fits. */
  if (!valid_token (id, "-_") || strlen (id) > 128)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_REMOTE,
                   _("E2B answered the sandbox request without a usable sandbox id"));
      return FALSE;
    }
  if (domain != NULL && !valid_token (domain, ".-:"))
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_REMOTE,
                   _("E2B answered the sandbox request with an invalid domain"));
      return FALSE;
    }
  if ((token != NULL && !valid_token (token, "-_.=+/")) ||
      (traffic != NULL && !valid_token (traffic, "-_.=+/")))
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_REMOTE,
                   _("E2B answered the sandbox request with an invalid access token"));
      return FALSE;
    }

  out->id = g_strdup (id);
  out->domain = g_strdup (domain ? domain : DEFAULT_DOMAIN);
  out->access_token = g_strdup (token);
  out->traffic_token = g_strdup (traffic);

  return TRUE;
}

/* Best effort: the TTL set at creation is the backstop. Runs with its own
 * cancellable, since the run's may already be cancelled. */
static void
kill_sandbox (RunState      *state,
              RemoteSandbox *sandbox)
{
  g_autofree char *url = g_strconcat (state->self->api_url, "/sandboxes/", sandbox->id, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("DELETE", url);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) local_error = NULL;
  guint status;

  if (msg == NULL)
    return;

  soup_message_headers_append (soup_message_get_request_headers (msg), "X-API-Key", state->api_key);
  stream = send_message (state, msg, NULL, &local_error);
  if (stream != NULL)
    body = read_small_body (state, stream, NULL, NULL);

  status = soup_message_get_status (msg);
  if (stream == NULL)
    g_message ("Could not kill E2B sandbox %s: %s", sandbox->id, local_error->message);
  else if (status != SOUP_STATUS_NO_CONTENT && status != SOUP_STATUS_OK && status != SOUP_STATUS_NOT_FOUND)
    g_message ("Killing E2B sandbox %s answered HTTP %u", sandbox->id, status);
}

static char *
build_code (const WfJob *job,
            const char  *marker)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_b64 = NULL;
  g_autofree char *code_b64 = NULL;
  GHashTableIter iter;
  gpointer key, value;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "marker");
  json_builder_add_string_value (builder, marker);
  json_builder_set_member_name (builder, "table_rows");
  json_builder_add_int_value (builder, job->limits.table_rows);
  json_builder_set_member_name (builder, "cpu_ms");
  json_builder_add_int_value (builder, job->limits.cpu_ms);
  json_builder_set_member_name (builder, "memory_bytes");
  json_builder_add_int_value (builder, job->limits.memory_bytes);
  json_builder_set_member_name (builder, "overrides");
  json_builder_begin_object (builder);
  if (job->overrides != NULL)
    {
      g_hash_table_iter_init (&iter, job->overrides);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          json_builder_set_member_name (builder, key);
          wf_json_add_double (builder, *(double *) value);
        }
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  config = json_to_string (root, FALSE);

  config_b64 = g_base64_encode ((const guchar *) config, strlen (config));
  code_b64 = g_base64_encode ((const guchar *) job->code, strlen (job->code));

  return g_strdup_printf ("%s_wf_main('%s', '%s')\n", prelude, config_b64, code_b64);
}

/* ---- reading the /execute stream ---- */

typedef struct
{
  RunState          *state;
  WfResultCollector *collector;
  const char        *marker;
  GString           *line;          /* NDJSON line being assembled */
  GString           *out_line;      /* stdout line being assembled */
  guint              pending_newlines;
  gboolean           finished;      /* end_of_execution seen */
  gboolean           errored;
  gboolean           aborted;       /* the kernel died or was restarted */
} Stream;

static void
flush_pending_newlines (Stream *s)
{
  for (; s->pending_newlines > 0; s->pending_newlines--)
    wf_result_collector_add_stdout (s->collector, "\n", 1);
}

/* Takes whole stdout lines apart into program output and protocol lines. */
static gboolean
flush_stdout_line (Stream      *s,
                   const char  *line,
                   gsize        len,
                   gboolean     newline,
                   GError     **error)
{
  const char *hit = g_strstr_len (line, (gssize) len, s->marker);

  /* The helpers print a newline before each protocol line, so that a
   * program's unterminated print cannot swallow it. When that newline made an
   * empty line of its own, it is not the program's output: drop it. */
  if (hit == line && s->pending_newlines > 0)
    s->pending_newlines--;
  flush_pending_newlines (s);

  if (hit == NULL)
    {
      wf_result_collector_add_stdout (s->collector, line, len);
      if (newline)
        wf_result_collector_add_stdout (s->collector, "\n", 1);
      return TRUE;
    }

  if (hit > line)
    {
      wf_result_collector_add_stdout (s->collector, line, (gsize) (hit - line));
      wf_result_collector_add_stdout (s->collector, "\n", 1);
    }

  hit += strlen (s->marker);
  return wf_result_collector_feed_line (s->collector, hit, len - (gsize) (hit - line), error);
}

static gboolean
add_stdout (Stream      *s,
            const char  *text,
            GError     **error)
{
  const char *p = text;

  for (;;)
    {
      const char *nl = strchr (p, '\n');

      if (nl == NULL)
        {
          g_string_append (s->out_line, p);
          break;
        }

      g_string_append_len (s->out_line, p, nl - p);
      if (s->out_line->len == 0)
        s->pending_newlines++;
      else if (!flush_stdout_line (s, s->out_line->str, s->out_line->len, TRUE, error))
        return FALSE;
      g_string_truncate (s->out_line, 0);
      p = nl + 1;
    }

  /* A long unterminated line that is not a protocol line is output. */
  if (s->out_line->len > 64 * 1024 && strstr (s->out_line->str, s->marker) == NULL)
    {
      flush_pending_newlines (s);
      wf_result_collector_add_stdout (s->collector, s->out_line->str, s->out_line->len);
      g_string_truncate (s->out_line, 0);
    }
  else if (s->out_line->len > MAX_STREAM_LINE)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
                   _("The program sent a result line that is too large"));
      return FALSE;
    }

  return TRUE;
}

static char *
strip_ansi (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    {
      if (*p == '\x1b' && p[1] == '[')
        {
          p += 2;
          while (*p && !g_ascii_isalpha (*p))
            p++;
          if (*p == '\0')
            break;
          continue;
        }
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static gboolean
handle_event (Stream      *s,
              const char  *line,
              gsize        len,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  WfRunResult *result = wf_result_collector_peek_result (s->collector);
  JsonObject *object;
  const char *type;

  if (!json_parser_load_from_data (parser, line, (gssize) len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
                   _("E2B sent a malformed line in the output stream"));
      return FALSE;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  type = member_string (object, "type");
  if (type == NULL)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
                   _("E2B sent an output line without a type"));
      return FALSE;
    }

  if (g_str_equal (type, "stdout"))
    {
      const char *text = member_string (object, "text");

      return text == NULL || add_stdout (s, text, error);
    }
  else if (g_str_equal (type, "stderr"))
    {
      const char *text = member_string (object, "text");

      if (text != NULL)
        wf_result_collector_add_stderr (s->collector, text, strlen (text));
    }
  else if (g_str_equal (type, "result"))
    {
      JsonNode *main_result = json_object_get_member (object, "is_main_result");
      const char *text = member_string (object, "text");

      /* The value of a cell's last expression, as Jupyter shows it. */
      if (text != NULL && main_result != NULL && JSON_NODE_HOLDS_VALUE (main_result) &&
          json_node_get_value_type (main_result) == G_TYPE_BOOLEAN &&
          json_node_get_boolean (main_result) && result->logs->len < 1000)
        g_ptr_array_add (result->logs, g_utf8_make_valid (text, MIN ((gssize) strlen (text), 4096)));
    }
  else if (g_str_equal (type, "error"))
    {
      const char *name = member_string (object, "name");
      const char *value = member_string (object, "value");
      const char *traceback = member_string (object, "traceback");

      s->errored = TRUE;
      if (name != NULL && (g_str_equal (name, "UnexpectedEndOfExecution") ||
                           g_str_equal (name, "ExecutionAborted")))
        s->aborted = TRUE;

      if (result->error_message == NULL)
        {
          g_autofree char *message = g_strdup_printf ("%s: %s", name ? name : "Error", value ? value : "");
          result->error_message = g_utf8_make_valid (message, MIN ((gssize) strlen (message), 8192));
        }
      if (traceback != NULL)
        {
          g_autofree char *plain = strip_ansi (traceback);

          wf_result_collector_add_stderr (s->collector, plain, strlen (plain));
          if (plain[0] != '\0' && !g_str_has_suffix (plain, "\n"))
            wf_result_collector_add_stderr (s->collector, "\n", 1);
        }
    }
  else if (g_str_equal (type, "end_of_execution"))
    {
      s->finished = TRUE;
    }
  /* number_of_executions, keepalive and types added later carry nothing we
   * use; ignoring them keeps us working when the server grows. */

  return TRUE;
}

static gboolean
wall_timeout_cb (gpointer user_data)
{
  RunState *state = user_data;

  state->timed_out = TRUE;
  g_cancellable_cancel (state->cancellable);

  return G_SOURCE_REMOVE;
}

typedef enum
{
  EXEC_OK,
  EXEC_FAILED,
  EXEC_EXPIRED,      /* nothing ran: the sandbox was gone */
} ExecOutcome;

static ExecOutcome
execute (RunState           *state,
         const WfJob        *job,
         RemoteSandbox      *sandbox,
         WfResultCollector  *collector,
         GError            **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GSource) timer = NULL;
  g_autofree char *url = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *code = NULL;
  g_autofree char *json = NULL;
  g_autofree char *buffer = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GString) out_line = g_string_new (NULL);
  SoupMessageHeaders *headers;
  Stream s = { 0 };
  guint status;
  gint64 start;
  WfRunResult *result;

  nonce = g_uuid_string_random ();
  marker = g_strdup_printf ("@@whatif:%s@@", nonce);
  code = build_code (job, marker);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  request = g_bytes_new (json, strlen (json));

  if (state->self->sandbox_url != NULL)
    url = g_strconcat (state->self->sandbox_url, "/execute", NULL);
  else
    url = g_strdup_printf ("https://%s-%s.%s/execute", EXECUTE_PORT, sandbox->id, sandbox->domain);

  msg = soup_message_new ("POST", url);
  if (msg == NULL)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_REMOTE,
                   _("The E2B sandbox address “%s” is not a valid URL"), url);
      return EXEC_FAILED;
    }
  headers = soup_message_get_request_headers (msg);
  soup_message_headers_append (headers, "E2b-Sandbox-Id", sandbox->id);
  soup_message_headers_append (headers, "E2b-Sandbox-Port", EXECUTE_PORT);
  if (sandbox->access_token != NULL)
    soup_message_headers_append (headers, "X-Access-Token", sandbox->access_token);
  if (sandbox->traffic_token != NULL)
    soup_message_headers_append (headers, "E2B-Traffic-Access-Token", sandbox->traffic_token);
  soup_message_set_request_body_from_bytes (msg, "application/json", request);

  /* The server enforces no execution timeout (provider-apis.md §4.2): the
   * wall limit is ours, counted from the moment the code is sent. */
  start = g_get_monotonic_time ();
  timer = g_timeout_source_new ((guint) CLAMP (job->limits.wall_ms, 1, G_MAXUINT));
  g_source_set_callback (timer, wall_timeout_cb, state, NULL);
  g_source_attach (timer, state->context);

  stream = send_message (state, msg, state->cancellable, &local_error);
  if (stream == NULL)
    goto transport_failed;

  status = soup_message_get_status (msg);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autoptr(GBytes) body = read_small_body (state, stream, state->cancellable, NULL);

      g_source_destroy (timer);
      /* 502 "The sandbox was not found" is what an expired sandbox's host
       * answers (§4.3); 404 is what the route gives for an unknown one. */
      if (status == SOUP_STATUS_BAD_GATEWAY || status == SOUP_STATUS_NOT_FOUND)
        {
          g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_REMOTE,
                       _("The E2B sandbox expired or was not found (HTTP %u) before the code could run. Try again."),
                       status);
          return EXEC_EXPIRED;
        }
      set_http_error (msg, body, STEP_EXECUTE, error);
      return EXEC_FAILED;
    }

  s.state = state;
  s.collector = collector;
  s.marker = marker;
  s.line = line;
  s.out_line = out_line;
  buffer = g_malloc (READ_CHUNK);

  while (!s.finished)
    {
      gssize n = read_some (state, stream, buffer, READ_CHUNK, state->cancellable, &local_error);
      const char *p, *end;

      if (n < 0)
        goto transport_failed;
      if (n == 0)
        break;

      p = buffer;
      end = buffer + n;
      while (p < end && !s.finished)
        {
          const char *nl = memchr (p, '\n', (gsize) (end - p));

          if (nl == NULL)
            {
              g_string_append_len (line, p, end - p);
              break;
            }
          g_string_append_len (line, p, nl - p);
          p = nl + 1;

          if (line->len > 0 && !handle_event (&s, line->str, line->len, error))
            {
              g_source_destroy (timer);
              return EXEC_FAILED;
            }
          g_string_truncate (line, 0);
        }

      if (line->len > MAX_STREAM_LINE)
        {
          g_source_destroy (timer);
          g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
                       _("E2B sent an output line larger than %d MiB"), MAX_STREAM_LINE / (1024 * 1024));
          return EXEC_FAILED;
        }
    }

  g_source_destroy (timer);

  /* A stream that ends without its terminator is a failure, even if output
   * arrived (provider-apis.md rule 2). */
  if (!s.finished)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_REMOTE,
                   _("The connection to the E2B sandbox dropped before the run finished."));
      return EXEC_FAILED;
    }

  if (out_line->len > 0 && !flush_stdout_line (&s, out_line->str, out_line->len, FALSE, error))
    return EXEC_FAILED;
  flush_pending_newlines (&s);

  result = wf_result_collector_peek_result (collector);
  result->wall_ms = (g_get_monotonic_time () - start) / 1000;
  if (s.aborted)
    {
      result->status = WF_RUN_STATUS_KILLED;
      result->exit_code = -1;
    }
  else if (s.errored)
    {
      result->status = WF_RUN_STATUS_ERROR;
      result->exit_code = 1;
    }
  else if (wf_result_collector_has_done (collector))
    {
      result->status = WF_RUN_STATUS_OK;
      result->exit_code = 0;
    }
  else
    {
      /* No error and no final line: the prelude never got to its end. */
      result->status = WF_RUN_STATUS_ERROR;
      result->exit_code = 1;
      if (result->error_message == NULL)
        result->error_message = g_strdup (_("The program stopped before it finished"));
    }

  return EXEC_OK;

transport_failed:
  g_source_destroy (timer);
  if (state->timed_out)
    {
      result = wf_result_collector_peek_result (collector);
      if (s.out_line != NULL && out_line->len > 0 && strstr (out_line->str, marker) == NULL)
        wf_result_collector_add_stdout (collector, out_line->str, out_line->len);
      result->status = WF_RUN_STATUS_TIMEOUT;
      result->exit_code = -1;
      result->wall_ms = (g_get_monotonic_time () - start) / 1000;
      g_free (result->error_message);
      result->error_message = g_strdup_printf (_("The program ran longer than its limit of %.1f seconds"),
                                               job->limits.wall_ms / 1000.0);
      wf_result_collector_add_limit_hit (collector, "wall");
      return EXEC_OK;
    }

  if (s.state != NULL && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_REMOTE,
                   _("The connection to the E2B sandbox dropped before the run finished (%s)."),
                   local_error->message);
      return EXEC_FAILED;
    }

  set_transport_error (state, local_error, error);
  return EXEC_FAILED;
}

static void
caller_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  RunState *state = user_data;

  /* Runs in the cancelling thread; both calls are thread-safe. */
  g_atomic_int_set (&state->caller_cancelled, TRUE);
  g_cancellable_cancel (state->cancellable);
}

static WfRunResult *
wf_sandbox_e2b_run (WfSandbox              *sandbox,
                    const WfJob            *job,
                    WfSandboxProgressFunc   progress,
                    gpointer                progress_data,
                    GCancellable           *cancellable,
                    GError                **error)
{
  WfSandboxE2b *self = WF_SANDBOX_E2B (sandbox);
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(WfResultCollector) collector = NULL;
  RunState state = { 0 };
  WfRunResult *result = NULL;
  gulong handler = 0;

  if (job->kind != WF_JOB_RUN || g_strcmp0 (job->language, "python") != 0)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_INVALID,
                   _("The E2B cloud sandbox runs Python models only; SQL, checks and imports need the local sandbox"));
      return NULL;
    }

  state.api_key = dup_api_key ();
  if (state.api_key == NULL)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE,
                   _("No E2B API key is set. Add one in the settings, or use the local sandbox."));
      return NULL;
    }

  context = g_main_context_new ();
  g_main_context_push_thread_default (context);

  state.self = self;
  state.context = context;
  state.cancellable = g_cancellable_new ();
  state.session = soup_session_new_with_options ("timeout", self->request_timeout,
                                                 "user-agent", "whatif/" PACKAGE_VERSION,
                                                 NULL);
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb), &state, NULL);

  /* An expired sandbox ran nothing, so one retry on a fresh one is safe. */
  for (guint attempt = 0; attempt < 2; attempt++)
    {
      RemoteSandbox remote = { NULL };
      ExecOutcome outcome;

      g_clear_error (&local_error);
      g_clear_pointer (&collector, wf_result_collector_free);
      collector = wf_result_collector_new (&job->limits, "e2b");
      wf_result_collector_set_progress (collector, progress, progress_data);

      if (progress != NULL)
        progress (_("Starting an E2B sandbox"), -1.0, progress_data);
      if (!create_sandbox (&state, job, &remote, &local_error))
        break;

      if (progress != NULL)
        progress (_("Running the code in E2B"), -1.0, progress_data);
      outcome = execute (&state, job, &remote, collector, &local_error);
      kill_sandbox (&state, &remote);
      remote_sandbox_clear (&remote);

      if (outcome == EXEC_OK)
        {
          result = wf_result_collector_finish (collector);
          break;
        }
      if (outcome != EXEC_EXPIRED || g_atomic_int_get (&state.caller_cancelled))
        break;
    }

  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);
  if (result == NULL && g_atomic_int_get (&state.caller_cancelled) && local_error != NULL &&
      !g_error_matches (local_error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_CANCELLED))
    {
      g_clear_error (&local_error);
      g_set_error (&local_error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_CANCELLED, _("The run was cancelled"));
    }

  soup_session_abort (state.session);
  g_clear_object (&state.session);
  g_clear_object (&state.cancellable);
  g_free (state.api_key);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);

  if (result == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return result;
}

static const char *
wf_sandbox_e2b_get_name (WfSandbox *sandbox)
{
  return "e2b";
}

static gboolean
wf_sandbox_e2b_is_available (WfSandbox  *sandbox,
                             GError    **error)
{
  g_autofree char *key = dup_api_key ();

  if (key == NULL)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_UNAVAILABLE,
                   _("No E2B API key is set. Add one in the settings, or use the local sandbox."));
      return FALSE;
    }

  return TRUE;
}

static void
wf_sandbox_e2b_iface_init (WfSandboxInterface *iface)
{
  iface->get_name = wf_sandbox_e2b_get_name;
  iface->is_available = wf_sandbox_e2b_is_available;
  iface->run = wf_sandbox_e2b_run;
}

static char *
dup_url (const char *value,
         const char *env,
         const char *fallback)
{
  const char *url = value;
  gsize len;
  char *copy;

  if (url == NULL)
    url = g_getenv (env);
  if (url == NULL || *url == '\0')
    url = fallback;
  if (url == NULL)
    return NULL;

  copy = g_strdup (url);
  len = strlen (copy);
  while (len > 0 && copy[len - 1] == '/')
    copy[--len] = '\0';

  return copy;
}

static void
wf_sandbox_e2b_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  WfSandboxE2b *self = WF_SANDBOX_E2B (object);

  switch (prop_id)
    {
    case PROP_API_URL:
      g_free (self->api_url);
      self->api_url = dup_url (g_value_get_string (value), "WHATIF_E2B_URL", DEFAULT_API_URL);
      break;

    case PROP_SANDBOX_URL:
      g_free (self->sandbox_url);
      self->sandbox_url = dup_url (g_value_get_string (value), "WHATIF_E2B_SANDBOX_URL", NULL);
      break;

    case PROP_REQUEST_TIMEOUT:
      self->request_timeout = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wf_sandbox_e2b_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  WfSandboxE2b *self = WF_SANDBOX_E2B (object);

  switch (prop_id)
    {
    case PROP_API_URL:
      g_value_set_string (value, self->api_url);
      break;

    case PROP_SANDBOX_URL:
      g_value_set_string (value, self->sandbox_url);
      break;

    case PROP_REQUEST_TIMEOUT:
      g_value_set_uint (value, self->request_timeout);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wf_sandbox_e2b_finalize (GObject *object)
{
  WfSandboxE2b *self = WF_SANDBOX_E2B (object);

  g_free (self->api_url);
  g_free (self->sandbox_url);

  G_OBJECT_CLASS (wf_sandbox_e2b_parent_class)->finalize (object);
}

static void
wf_sandbox_e2b_class_init (WfSandboxE2bClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->set_property = wf_sandbox_e2b_set_property;
  object_class->get_property = wf_sandbox_e2b_get_property;
  object_class->finalize = wf_sandbox_e2b_finalize;

  properties[PROP_API_URL] =
    g_param_spec_string ("api-url", "API URL", "Base URL of the E2B API (NULL: $WHATIF_E2B_URL or the public one)",
                         NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_SANDBOX_URL] =
    g_param_spec_string ("sandbox-url", "Sandbox URL", "Base URL of the code-execution server (NULL: $WHATIF_E2B_SANDBOX_URL or per-sandbox host)",
                         NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_REQUEST_TIMEOUT] =
    g_param_spec_uint ("request-timeout", "Request timeout", "Seconds without any byte from E2B before giving up",
                       1, 600, 60, G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wf_sandbox_e2b_init (WfSandboxE2b *self)
{
}

WfSandbox *
wf_sandbox_e2b_new (void)
{
  return g_object_new (WF_TYPE_SANDBOX_E2B, NULL);
}
