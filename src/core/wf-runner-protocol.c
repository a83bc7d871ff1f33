/* wf-runner-protocol.c: parse what the runner says, never trusting it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-runner-protocol"

#include "config.h"

#include "wf-runner-protocol.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

G_DEFINE_QUARK (wf-runner-protocol-error-quark, wf_runner_protocol_error)

struct _WfRunnerParser
{
  WfRunResult           *result;
  gint64                 table_rows;
  WfSandboxProgressFunc  progress;
  gpointer               progress_data;
  GString               *pending;
  gsize                  total;
  gboolean               done;
  gboolean               failed;
  gboolean               verdict_seen;
};

static const char * const known_limits[] = {
  "wall", "cpu", "memory", "output", "file_size", "disk", "open_files", "table_rows", NULL,
};

WfRunnerParser *
wf_runner_parser_new (WfRunResult            *result,
                      gint64                  table_rows,
                      WfSandboxProgressFunc   progress,
                      gpointer                progress_data)
{
  WfRunnerParser *self;

  g_return_val_if_fail (result != NULL, NULL);

  self = g_new0 (WfRunnerParser, 1);
  self->result = result;
  self->table_rows = table_rows > 0 ? table_rows : 100000;
  self->progress = progress;
  self->progress_data = progress_data;
  self->pending = g_string_new (NULL);
  return self;
}

void
wf_runner_parser_free (WfRunnerParser *self)
{
  if (self == NULL)
    return;
  g_string_free (self->pending, TRUE);
  g_free (self);
}

void
wf_runner_parser_set_progress (WfRunnerParser        *self,
                               WfSandboxProgressFunc  progress,
                               gpointer               progress_data)
{
  g_return_if_fail (self != NULL);
  self->progress = progress;
  self->progress_data = progress_data;
}

gboolean
wf_runner_parser_is_done (WfRunnerParser *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->done;
}

static gboolean
fail (WfRunnerParser  *self,
      GError         **error,
      int              code,
      const char      *message)
{
  self->failed = TRUE;
  g_set_error_literal (error, WF_RUNNER_PROTOCOL_ERROR, code, message);
  return FALSE;
}

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
get_int (JsonObject *object,
         const char *member,
         gint64     *out)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
is_bool (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
}

/* TEXT made valid UTF-8 and cut at a character boundary to at most MAX bytes. */
static char *
bounded_utf8 (const char *text,
              gsize       max)
{
  gsize len = strlen (text);
  const char *end;

  if (len <= max)
    return g_utf8_make_valid (text, (gssize) len);
  end = g_utf8_find_prev_char (text, text + max + 1);
  return g_utf8_make_valid (text, end ? end - text : 0);
}

static gboolean
is_scalar_or_null (JsonNode *node)
{
  return JSON_NODE_HOLDS_NULL (node) || JSON_NODE_HOLDS_VALUE (node);
}

static void
add_limit (WfRunResult *result,
           const char  *limit)
{
  for (guint i = 0; i < result->limits_hit->len; i++)
    if (g_strcmp0 (g_ptr_array_index (result->limits_hit, i), limit) == 0)
      return;
  g_ptr_array_add (result->limits_hit, g_strdup (limit));
}

static gboolean
known_limit (const char *limit)
{
  return limit != NULL && g_strv_contains (known_limits, limit);
}

static gboolean
handle_table (WfRunnerParser  *self,
              JsonObject      *object,
              JsonNode        *node,
              GError         **error)
{
  JsonNode *columns = json_object_get_member (object, "columns");
  JsonNode *rows = json_object_get_member (object, "rows");
  JsonNode *truncated = json_object_get_member (object, "truncated");
  g_autoptr(GError) local = NULL;
  WfTable *table;
  guint n_cols, n_rows;

  if (self->result->tables->len >= WF_RUNNER_MAX_TABLES)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_OVERSIZED, _("The program reported too many tables"));
  if (columns == NULL || !JSON_NODE_HOLDS_ARRAY (columns) || rows == NULL || !JSON_NODE_HOLDS_ARRAY (rows))
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("A table needs columns and rows arrays"));
  n_cols = json_array_get_length (json_node_get_array (columns));
  n_rows = json_array_get_length (json_node_get_array (rows));
  if (n_cols > WF_RUNNER_MAX_COLUMNS)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_OVERSIZED, _("A table has too many columns"));
  if ((gint64) n_rows > self->table_rows)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_OVERSIZED, _("A table has more rows than the limit allows"));
  for (guint i = 0; i < n_cols; i++)
    {
      JsonNode *c = json_array_get_element (json_node_get_array (columns), i);

      if (!JSON_NODE_HOLDS_VALUE (c) || json_node_get_value_type (c) != G_TYPE_STRING)
        return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("Table column names must be strings"));
    }
  for (guint i = 0; i < n_rows; i++)
    {
      JsonNode *r = json_array_get_element (json_node_get_array (rows), i);
      JsonArray *row;

      if (!JSON_NODE_HOLDS_ARRAY (r))
        return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("A table row must be an array"));
      row = json_node_get_array (r);
      if (json_array_get_length (row) != n_cols)
        return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("A table row does not have one cell per column"));
      for (guint j = 0; j < n_cols; j++)
        if (!is_scalar_or_null (json_array_get_element (row, j)))
          return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("A table cell must be a number, a string, a boolean or null"));
    }
  if (get_string (object, "name") == NULL || *get_string (object, "name") == '\0')
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("A table needs a name"));

  table = wf_table_from_json (node, &local);
  if (table == NULL)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, local->message);
  g_ptr_array_add (self->result->tables, table);
  if (truncated != NULL && JSON_NODE_HOLDS_VALUE (truncated) &&
      json_node_get_value_type (truncated) == G_TYPE_BOOLEAN && json_node_get_boolean (truncated))
    {
      self->result->tables_truncated = TRUE;
      add_limit (self->result, "table_rows");
    }
  return TRUE;
}

static gboolean
handle_chart (WfRunnerParser  *self,
              JsonObject      *object,
              JsonNode        *node,
              GError         **error)
{
  JsonNode *x = json_object_get_member (object, "x");
  JsonNode *series = json_object_get_member (object, "series");
  const char *kind = get_string (object, "kind");
  g_autoptr(GError) local = NULL;
  WfChart *chart;
  guint n_x, n_series;

  if (self->result->charts->len >= WF_RUNNER_MAX_CHARTS)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_OVERSIZED, _("The program reported too many charts"));
  if (g_strcmp0 (kind, "line") != 0 && g_strcmp0 (kind, "bar") != 0 && g_strcmp0 (kind, "area") != 0)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("A chart kind must be line, bar or area"));
  if (x == NULL || !JSON_NODE_HOLDS_ARRAY (x) || series == NULL || !JSON_NODE_HOLDS_ARRAY (series))
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("A chart needs x and series arrays"));
  n_x = json_array_get_length (json_node_get_array (x));
  n_series = json_array_get_length (json_node_get_array (series));
  if (n_x > WF_RUNNER_MAX_POINTS || n_series > WF_RUNNER_MAX_SERIES)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_OVERSIZED, _("A chart is too large"));
  for (guint i = 0; i < n_x; i++)
    if (!is_scalar_or_null (json_array_get_element (json_node_get_array (x), i)))
      return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("A chart label must be a scalar"));
  for (guint i = 0; i < n_series; i++)
    {
      JsonNode *s = json_array_get_element (json_node_get_array (series), i);
      JsonNode *values;

      if (!JSON_NODE_HOLDS_OBJECT (s))
        return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("A chart series must be an object"));
      values = json_object_get_member (json_node_get_object (s), "values");
      if (values == NULL || !JSON_NODE_HOLDS_ARRAY (values))
        return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("A chart series needs values"));
      if (json_array_get_length (json_node_get_array (values)) > WF_RUNNER_MAX_POINTS)
        return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_OVERSIZED, _("A chart series is too long"));
    }
  chart = wf_chart_from_json (node, &local);
  if (chart == NULL)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, local->message);
  g_ptr_array_add (self->result->charts, chart);
  return TRUE;
}

static gboolean
handle_log (WfRunnerParser  *self,
            JsonObject      *object,
            GError         **error)
{
  const char *level = get_string (object, "level");
  const char *message = get_string (object, "message");
  const char *limit = get_string (object, "limit");
  g_autofree char *text = NULL;

  if (level == NULL || message == NULL)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("A log message needs a level and a message"));

  if (g_str_equal (level, "error") || g_str_equal (level, "blocked") || g_str_equal (level, "refused"))
    {
      text = bounded_utf8 (message, WF_RUNNER_MAX_TEXT);
      g_free (self->result->error_message);
      self->result->error_message = g_steal_pointer (&text);
      if (limit != NULL)
        {
          if (!known_limit (limit))
            return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("Unknown limit name"));
          add_limit (self->result, limit);
        }
      return TRUE;
    }
  if (!g_str_equal (level, "info"))
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("Unknown log level"));
  text = bounded_utf8 (message, WF_RUNNER_MAX_LOG);
  if (self->progress)
    self->progress (text, -1, self->progress_data);
  /* Logs are a courtesy: past the bound they are dropped, not fatal. */
  if (self->result->logs->len < WF_RUNNER_MAX_LOGS)
    g_ptr_array_add (self->result->logs, g_steal_pointer (&text));
  return TRUE;
}

static gboolean
handle_done (WfRunnerParser  *self,
             JsonObject      *object,
             GError         **error)
{
  WfRunResult *r = self->result;
  const char *status = get_string (object, "status");
  JsonNode *limits = json_object_get_member (object, "limits_hit");
  JsonNode *truncated = json_object_get_member (object, "truncated");
  JsonNode *message = json_object_get_member (object, "error");
  WfRunStatus st;
  gint64 exit_code, wall, cpu, rss;

  if (status == NULL || !wf_run_status_from_string (status, &st))
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("The done message has no valid status"));
  if (!get_int (object, "exit_code", &exit_code) || !get_int (object, "wall_ms", &wall) ||
      !get_int (object, "cpu_ms", &cpu) || !get_int (object, "peak_rss_kb", &rss))
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("The done message lacks its figures"));
  if (exit_code < -255 || exit_code > 255 || wall < 0 || cpu < 0 || rss < 0)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("The done message has figures out of range"));
  if (limits != NULL && !JSON_NODE_HOLDS_ARRAY (limits))
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("limits_hit must be an array"));
  if (message != NULL && !JSON_NODE_HOLDS_NULL (message) && get_string (object, "error") == NULL)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("The done message’s error must be text"));
  if (truncated != NULL)
    {
      static const char * const streams[] = { "stdout", "stderr", "tables" };
      JsonObject *t;

      if (!JSON_NODE_HOLDS_OBJECT (truncated))
        return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("truncated must be an object"));
      t = json_node_get_object (truncated);
      for (guint i = 0; i < G_N_ELEMENTS (streams); i++)
        {
          JsonNode *flag = json_object_get_member (t, streams[i]);

          if (flag != NULL && !is_bool (flag))
            return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("A truncated flag must be true or false"));
        }
    }
  if (limits != NULL)
    {
      JsonArray *a = json_node_get_array (limits);

      if (json_array_get_length (a) > G_N_ELEMENTS (known_limits))
        return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_OVERSIZED, _("limits_hit is too long"));
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          const char *name = (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
                             ? json_node_get_string (e) : NULL;

          if (!known_limit (name))
            return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("Unknown limit name"));
          add_limit (r, name);
        }
    }
  if (truncated != NULL)
    {
      JsonObject *t = json_node_get_object (truncated);

      r->stdout_truncated |= is_bool (json_object_get_member (t, "stdout")) && json_object_get_boolean_member (t, "stdout");
      r->stderr_truncated |= is_bool (json_object_get_member (t, "stderr")) && json_object_get_boolean_member (t, "stderr");
      r->tables_truncated |= is_bool (json_object_get_member (t, "tables")) && json_object_get_boolean_member (t, "tables");
    }
  /* A log message of level error says more (and came first): it wins. */
  if (get_string (object, "error") != NULL && r->error_message == NULL)
    r->error_message = bounded_utf8 (get_string (object, "error"), WF_RUNNER_MAX_TEXT);
  r->status = st;
  r->exit_code = (int) exit_code;
  r->wall_ms = wall;
  r->cpu_ms = cpu;
  r->peak_rss_kb = rss;
  self->done = TRUE;
  return TRUE;
}

static gboolean
parse_line (WfRunnerParser  *self,
            const char      *line,
            gsize            len,
            GError         **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local = NULL;
  JsonNode *root;
  JsonObject *object;
  const char *type;

  if (self->failed)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_ORDER, _("The runner protocol already failed"));
  if (self->done)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_ORDER, _("The runner sent a message after done"));
  if (len > WF_RUNNER_MAX_LINE)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_OVERSIZED, _("A runner message is too large"));
  if (!g_utf8_validate_len (line, len, NULL))
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("A runner message is not valid UTF-8"));

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, line, (gssize) len, &local))
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("A runner message is not valid JSON"));
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("A runner message must be a JSON object"));
  object = json_node_get_object (root);
  type = get_string (object, "type");
  if (type == NULL)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("A runner message has no type"));

  if (g_str_equal (type, "table"))
    return handle_table (self, object, root, error);
  if (g_str_equal (type, "chart"))
    return handle_chart (self, object, root, error);
  if (g_str_equal (type, "log"))
    return handle_log (self, object, error);
  if (g_str_equal (type, "done"))
    return handle_done (self, object, error);
  if (g_str_equal (type, "metric"))
    {
      WfMetric *m;
      JsonNode *v = json_object_get_member (object, "value");

      if (self->result->metrics->len >= WF_RUNNER_MAX_METRICS)
        return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_OVERSIZED, _("The program reported too many metrics"));
      if (v == NULL || !(JSON_NODE_HOLDS_NULL (v) ||
                         (JSON_NODE_HOLDS_VALUE (v) && json_node_get_value_type (v) != G_TYPE_STRING &&
                          json_node_get_value_type (v) != G_TYPE_BOOLEAN)))
        return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("A metric value must be a number or null"));
      m = wf_metric_from_json (root, &local);
      if (m == NULL)
        return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, local->message);
      g_ptr_array_add (self->result->metrics, m);
      return TRUE;
    }
  if (g_str_equal (type, "param"))
    {
      WfParam *p;
      const char *kind = get_string (object, "kind");
      static const char * const kinds[] = { "money", "percent", "number", "count", "months", "years", NULL };

      if (self->result->params->len >= WF_RUNNER_MAX_PARAMS)
        return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_OVERSIZED, _("The program declared too many parameters"));
      if (kind == NULL || !g_strv_contains (kinds, kind))
        return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("A parameter has an unknown kind"));
      p = wf_param_from_json (root, &local);
      if (p == NULL)
        return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, local->message);
      g_ptr_array_add (self->result->params, p);
      return TRUE;
    }
  if (g_str_equal (type, "verdict"))
    {
      g_autoptr(JsonGenerator) gen = NULL;
      const char *verdict = get_string (object, "verdict");

      if (self->verdict_seen)
        return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_ORDER, _("The runner sent two verdicts"));
      if (g_strcmp0 (verdict, "allow") != 0 && g_strcmp0 (verdict, "block") != 0)
        return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("A verdict must be allow or block"));
      json_object_remove_member (object, "type");
      gen = json_generator_new ();
      json_generator_set_root (gen, root);
      g_free (self->result->verdict_json);
      self->result->verdict_json = json_generator_to_data (gen, NULL);
      self->verdict_seen = TRUE;
      return TRUE;
    }
  if (g_str_equal (type, "progress"))
    {
      JsonNode *f = json_object_get_member (object, "fraction");
      double fraction = f ? wf_json_get_double (f) : NAN;

      if (!isnan (fraction) && (fraction < 0 || fraction > 1))
        return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("A progress fraction must be between 0 and 1"));
      if (self->progress)
        {
          const char *message = get_string (object, "message");
          g_autofree char *text = bounded_utf8 (message ? message : "", WF_RUNNER_MAX_LOG);

          self->progress (text, isnan (fraction) ? -1.0 : fraction, self->progress_data);
        }
      return TRUE;
    }

  return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("The runner sent an unknown message type"));
}

static gboolean
count_bytes (WfRunnerParser  *self,
             gsize            len,
             GError         **error)
{
  if (len > WF_RUNNER_MAX_TOTAL - self->total)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_OVERSIZED, _("The runner sent too much data"));
  self->total += len;
  return TRUE;
}

gboolean
wf_runner_parser_line (WfRunnerParser  *self,
                       const char      *line,
                       gsize            len,
                       GError         **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (line != NULL || len == 0, FALSE);

  if (self->failed)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_ORDER, _("The runner protocol already failed"));
  /* Whole lines count towards the same total as bytes fed. */
  if (!count_bytes (self, len + 1, error))
    return FALSE;
  return parse_line (self, line, len, error);
}

gboolean
wf_runner_parser_feed (WfRunnerParser  *self,
                       const char      *data,
                       gsize            len,
                       GError         **error)
{
  gsize start = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->failed)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_ORDER, _("The runner protocol already failed"));
  if (!count_bytes (self, len, error))
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (data[i] != '\n')
        continue;
      if (self->pending->len > 0)
        {
          g_string_append_len (self->pending, data + start, (gssize) (i - start));
          if (!parse_line (self, self->pending->str, self->pending->len, error))
            return FALSE;
          g_string_truncate (self->pending, 0);
        }
      else if (!parse_line (self, data + start, i - start, error))
        return FALSE;
      start = i + 1;
    }
  if (start < len)
    {
      if (self->pending->len + (len - start) > WF_RUNNER_MAX_LINE)
        return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_OVERSIZED, _("A runner message is too large"));
      g_string_append_len (self->pending, data + start, (gssize) (len - start));
    }
  return TRUE;
}

gboolean
wf_runner_parser_end (WfRunnerParser  *self,
                      GError         **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->failed)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_ORDER, _("The runner protocol already failed"));
  if (self->pending->len > 0 && self->done)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_ORDER, _("The runner sent data after done"));
  if (self->pending->len > 0)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_MALFORMED, _("The runner’s last message was cut off"));
  return TRUE;
}

gboolean
wf_runner_parser_finish (WfRunnerParser  *self,
                         GError         **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!wf_runner_parser_end (self, error))
    return FALSE;
  if (!self->done)
    return fail (self, error, WF_RUNNER_PROTOCOL_ERROR_ORDER, _("The runner ended without reporting done"));
  return TRUE;
}

static void
add_int (JsonBuilder *b,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

char *
wf_runner_job_to_json (const WfJob *job)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  GHashTableIter iter;
  gpointer key, value;
  const char *kind;

  g_return_val_if_fail (job != NULL, NULL);

  switch (job->kind)
    {
    case WF_JOB_CHECK:
      kind = "check";
      break;
    case WF_JOB_IMPORT:
      kind = "import";
      break;
    case WF_JOB_SWEEP:
      kind = "sweep";
      break;
    case WF_JOB_RUN:
    default:
      kind = "run";
      break;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, job->id ? job->id : "");
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, kind);
  json_builder_set_member_name (b, "language");
  json_builder_add_string_value (b, job->language ? job->language : "python");
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, job->code ? job->code : "");
  json_builder_set_member_name (b, "policy");
  json_builder_add_boolean_value (b, job->policy);

  json_builder_set_member_name (b, "limits");
  json_builder_begin_object (b);
  add_int (b, "wall_ms", job->limits.wall_ms);
  add_int (b, "cpu_ms", job->limits.cpu_ms);
  add_int (b, "memory_bytes", job->limits.memory_bytes);
  add_int (b, "open_files", job->limits.open_files);
  add_int (b, "file_size_bytes", job->limits.file_size_bytes);
  add_int (b, "output_bytes", job->limits.output_bytes);
  add_int (b, "table_rows", job->limits.table_rows);
  add_int (b, "tmpfs_bytes", job->limits.tmpfs_bytes);
  add_int (b, "tmpfs_inodes", job->limits.tmpfs_inodes);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "overrides");
  json_builder_begin_object (b);
  if (job->overrides != NULL)
    {
      g_hash_table_iter_init (&iter, job->overrides);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          json_builder_set_member_name (b, key);
          wf_json_add_double (b, *(double *) value);
        }
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "datasets");
  json_builder_begin_array (b);
  for (guint i = 0; job->datasets != NULL && i < job->datasets->len; i++)
    {
      WfDataset *d = g_ptr_array_index (job->datasets, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, d->name);
      json_builder_set_member_name (b, "table_name");
      json_builder_add_string_value (b, d->table_name ? d->table_name : d->name);
      /* The inferred column types, so wf.load() gives each its dtype. */
      if (d->columns_json != NULL)
        {
          g_autoptr(JsonNode) columns = json_from_string (d->columns_json, NULL);

          if (columns != NULL && JSON_NODE_HOLDS_ARRAY (columns))
            {
              json_builder_set_member_name (b, "columns");
              json_builder_add_value (b, g_steal_pointer (&columns));
            }
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  /* Paths as the sandbox sees them (wf-zygote.c mounts them there). */
  if (job->workbook_path != NULL)
    {
      json_builder_set_member_name (b, "workbook");
      json_builder_add_string_value (b, WF_RUNNER_WORKBOOK_MOUNT);
    }
  if (job->kind == WF_JOB_IMPORT)
    {
      json_builder_set_member_name (b, "import");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, WF_RUNNER_IMPORT_MOUNT);
      json_builder_set_member_name (b, "table");
      json_builder_add_string_value (b, job->import_name ? job->import_name : "");
      json_builder_end_object (b);
    }
  if (job->sweep_json != NULL)
    {
      JsonNode *sweep = json_from_string (job->sweep_json, NULL);

      json_builder_set_member_name (b, "sweep");
      if (sweep != NULL)
        json_builder_add_value (b, sweep);
      else
        json_builder_add_null_value (b);
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  return g_strconcat (text, "\n", NULL);
}
