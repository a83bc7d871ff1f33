/* wf-result-collector.c: folds runner protocol lines into a WfRunResult
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-result-collector"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "wf-result-collector.h"

/* Bounds on what a job may report, whatever it claims. */
#define MAX_TABLES   256
#define MAX_METRICS  4096
#define MAX_PARAMS   256
#define MAX_CHARTS   64
#define MAX_LOGS     1000
#define MAX_LOG_LEN  4096
#define MAX_ERROR_LEN 8192

struct _WfResultCollector
{
  WfLimits               limits;
  WfRunResult           *result;
  GString               *out;
  GString               *err;
  gint64                 rows_total;
  gboolean               done;
  WfSandboxProgressFunc  progress;
  gpointer               progress_data;
};

WfResultCollector *
wf_result_collector_new (const WfLimits *limits,
                         const char     *backend)
{
  WfResultCollector *self = g_new0 (WfResultCollector, 1);

  g_return_val_if_fail (limits != NULL, NULL);

  self->limits = *limits;
  self->result = wf_run_result_new ();
  self->result->backend = g_strdup (backend);
  self->result->exit_code = -1;
  self->out = g_string_new (NULL);
  self->err = g_string_new (NULL);

  return self;
}

void
wf_result_collector_free (WfResultCollector *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->result, wf_run_result_free);
  g_string_free (self->out, TRUE);
  g_string_free (self->err, TRUE);
  g_free (self);
}

void
wf_result_collector_set_progress (WfResultCollector     *self,
                                  WfSandboxProgressFunc  progress,
                                  gpointer               progress_data)
{
  self->progress = progress;
  self->progress_data = progress_data;
}

void
wf_result_collector_add_limit_hit (WfResultCollector *self,
                                   const char        *limit)
{
  GPtrArray *hit = self->result->limits_hit;

  for (guint i = 0; i < hit->len; i++)
    if (g_str_equal (g_ptr_array_index (hit, i), limit))
      return;

  g_ptr_array_add (hit, g_strdup (limit));
}

static void
add_output (WfResultCollector *self,
            GString           *buffer,
            gboolean          *truncated,
            const char        *text,
            gsize              len)
{
  gint64 cap = MAX (self->limits.output_bytes, 0);
  gint64 used = (gint64) self->out->len + (gint64) self->err->len;
  gint64 room = cap - used;

  if (len == 0)
    return;

  /* stdout and stderr share one cap, as in the local runner. */
  if (room <= 0)
    {
      *truncated = TRUE;
      wf_result_collector_add_limit_hit (self, "output");
      return;
    }

  if ((gint64) len > room)
    {
      g_string_append_len (buffer, text, room);
      *truncated = TRUE;
      wf_result_collector_add_limit_hit (self, "output");
      return;
    }

  g_string_append_len (buffer, text, len);
}

void
wf_result_collector_add_stdout (WfResultCollector *self,
                                const char        *text,
                                gsize              len)
{
  add_output (self, self->out, &self->result->stdout_truncated, text, len);
}

void
wf_result_collector_add_stderr (WfResultCollector *self,
                                const char        *text,
                                gsize              len)
{
  add_output (self, self->err, &self->result->stderr_truncated, text, len);
}

gboolean
wf_result_collector_has_done (WfResultCollector *self)
{
  return self->done;
}

WfRunResult *
wf_result_collector_peek_result (WfResultCollector *self)
{
  return self->result;
}

static char *
bounded_utf8 (const char *text,
              gsize       max)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  if (strlen (valid) > max)
    {
      const char *end = g_utf8_find_prev_char (valid, valid + max + 1);

      return g_strndup (valid, end ? (gsize) (end - valid) : 0);
    }

  return g_steal_pointer (&valid);
}

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);

  return NULL;
}

static gint64
get_int (JsonObject *object,
         const char *member,
         gint64      fallback)
{
  double d = wf_json_get_double (json_object_get_member (object, member));

  if (!isfinite (d) || d < -1e15 || d > 1e15)
    return fallback;

  return (gint64) d;
}

static gboolean
get_bool (JsonObject *object,
          const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

static gboolean
too_many (guint        n,
          guint        max,
          const char  *what,
          GError     **error)
{
  if (n < max)
    return FALSE;

  g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
               _("The program reported more than %u %s"), max, what);
  return TRUE;
}

static gboolean
feed_table (WfResultCollector  *self,
            JsonNode           *node,
            GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(WfTable) table = NULL;
  gint64 room;
  guint n_rows;

  if (too_many (self->result->tables->len, MAX_TABLES, _("tables"), error))
    return FALSE;

  table = wf_table_from_json (node, &local_error);
  if (table == NULL)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
                   _("The program reported a malformed table: %s"), local_error->message);
      return FALSE;
    }

  /* Every row must be as wide as the header, or the table cannot be shown. */
  n_rows = json_array_get_length (table->rows);
  for (guint i = 0; i < n_rows; i++)
    {
      JsonArray *row = json_array_get_array_element (table->rows, i);

      if (json_array_get_length (row) != table->columns->len)
        {
          g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
                       _("Row %u of table “%s” has %u cells for %u columns"),
                       i + 1, table->name, json_array_get_length (row), table->columns->len);
          return FALSE;
        }
    }

  room = MAX (self->limits.table_rows, 0) - self->rows_total;
  if ((gint64) n_rows > room)
    {
      JsonArray *cut = json_array_sized_new ((guint) MAX (room, 0));

      for (gint64 i = 0; i < room; i++)
        json_array_add_element (cut, json_node_copy (json_array_get_element (table->rows, (guint) i)));
      json_array_unref (table->rows);
      table->rows = cut;
      n_rows = (guint) MAX (room, 0);
      self->result->tables_truncated = TRUE;
      wf_result_collector_add_limit_hit (self, "rows");
    }

  self->rows_total += n_rows;
  g_ptr_array_add (self->result->tables, g_steal_pointer (&table));

  return TRUE;
}

static gboolean
feed_done (WfResultCollector  *self,
           JsonObject         *object,
           GError            **error)
{
  WfRunResult *result = self->result;
  const char *status = get_string (object, "status");
  const char *message = get_string (object, "error");
  JsonNode *limits = json_object_get_member (object, "limits_hit");
  JsonNode *truncated = json_object_get_member (object, "truncated");
  WfRunStatus parsed;

  if (status == NULL || !wf_run_status_from_string (status, &parsed))
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
                   _("The runner ended with an unknown status"));
      return FALSE;
    }

  result->status = parsed;
  result->exit_code = (int) CLAMP (get_int (object, "exit_code", -1), -255, 255);
  result->wall_ms = MAX (get_int (object, "wall_ms", 0), 0);
  result->cpu_ms = MAX (get_int (object, "cpu_ms", 0), 0);
  result->peak_rss_kb = MAX (get_int (object, "peak_rss_kb", 0), 0);

  if (message != NULL && result->error_message == NULL)
    result->error_message = bounded_utf8 (message, MAX_ERROR_LEN);

  if (limits != NULL && JSON_NODE_HOLDS_ARRAY (limits))
    {
      JsonArray *array = json_node_get_array (limits);

      for (guint i = 0; i < json_array_get_length (array) && i < 16; i++)
        {
          JsonNode *e = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
            {
              g_autofree char *name = bounded_utf8 (json_node_get_string (e), 32);
              wf_result_collector_add_limit_hit (self, name);
            }
        }
    }

  if (truncated != NULL && JSON_NODE_HOLDS_OBJECT (truncated))
    {
      JsonObject *t = json_node_get_object (truncated);

      result->stdout_truncated |= get_bool (t, "stdout");
      result->stderr_truncated |= get_bool (t, "stderr");
      result->tables_truncated |= get_bool (t, "tables");
    }

  self->done = TRUE;
  return TRUE;
}

gboolean
wf_result_collector_feed_line (WfResultCollector  *self,
                               const char         *line,
                               gsize               len,
                               GError            **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *object;
  const char *type;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->done)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
                   _("The runner sent a message after its final “done”"));
      return FALSE;
    }

  if (len > WF_RESULT_COLLECTOR_MAX_LINE)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
                   _("The runner sent a message larger than %d MiB"),
                   WF_RESULT_COLLECTOR_MAX_LINE / (1024 * 1024));
      return FALSE;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, line, (gssize) len, &local_error))
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
                   _("The runner sent a message that is not JSON: %s"), local_error->message);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
                   _("The runner sent a message that is not a JSON object"));
      return FALSE;
    }

  object = json_node_get_object (root);
  type = get_string (object, "type");
  if (type == NULL)
    {
      g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
                   _("The runner sent a message without a type"));
      return FALSE;
    }

  if (g_str_equal (type, "table"))
    return feed_table (self, root, error);

  if (g_str_equal (type, "metric"))
    {
      WfMetric *metric;

      if (too_many (self->result->metrics->len, MAX_METRICS, _("metrics"), error))
        return FALSE;
      metric = wf_metric_from_json (root, &local_error);
      if (metric == NULL)
        {
          g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
                       _("The program reported a malformed metric: %s"), local_error->message);
          return FALSE;
        }
      g_ptr_array_add (self->result->metrics, metric);
      return TRUE;
    }

  if (g_str_equal (type, "param"))
    {
      WfParam *param;

      if (too_many (self->result->params->len, MAX_PARAMS, _("assumptions"), error))
        return FALSE;
      param = wf_param_from_json (root, &local_error);
      if (param == NULL)
        {
          g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
                       _("The program reported a malformed assumption: %s"), local_error->message);
          return FALSE;
        }
      g_ptr_array_add (self->result->params, param);
      return TRUE;
    }

  if (g_str_equal (type, "chart"))
    {
      WfChart *chart;

      if (too_many (self->result->charts->len, MAX_CHARTS, _("charts"), error))
        return FALSE;
      chart = wf_chart_from_json (root, &local_error);
      if (chart == NULL)
        {
          g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
                       _("The program reported a malformed chart: %s"), local_error->message);
          return FALSE;
        }
      g_ptr_array_add (self->result->charts, chart);
      return TRUE;
    }

  if (g_str_equal (type, "log"))
    {
      const char *message = get_string (object, "message");

      /* Logs are a courtesy: past the bound they are dropped, not fatal. */
      if (message != NULL && self->result->logs->len < MAX_LOGS)
        g_ptr_array_add (self->result->logs, bounded_utf8 (message, MAX_LOG_LEN));
      return TRUE;
    }

  if (g_str_equal (type, "progress"))
    {
      const char *message = get_string (object, "message");
      double fraction = wf_json_get_double (json_object_get_member (object, "fraction"));

      if (self->progress != NULL)
        {
          g_autofree char *text = bounded_utf8 (message ? message : "", MAX_LOG_LEN);

          self->progress (text, isfinite (fraction) ? CLAMP (fraction, 0.0, 1.0) : -1.0,
                          self->progress_data);
        }
      return TRUE;
    }

  if (g_str_equal (type, "error"))
    {
      const char *message = get_string (object, "message");

      if (message != NULL)
        {
          g_free (self->result->error_message);
          self->result->error_message = bounded_utf8 (message, MAX_ERROR_LEN);
        }
      return TRUE;
    }

  if (g_str_equal (type, "verdict"))
    {
      JsonNode *verdict = json_object_get_member (object, "verdict");

      if (verdict == NULL || !JSON_NODE_HOLDS_OBJECT (verdict))
        {
          g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
                       _("The runner sent a verdict that is not an object"));
          return FALSE;
        }
      g_free (self->result->verdict_json);
      self->result->verdict_json = json_to_string (verdict, FALSE);
      return TRUE;
    }

  if (g_str_equal (type, "done"))
    return feed_done (self, object, error);

  {
    g_autofree char *shown = bounded_utf8 (type, 40);

    g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
                 _("The runner sent a message of unknown type “%s”"), shown);
  }
  return FALSE;
}

WfRunResult *
wf_result_collector_finish (WfResultCollector *self)
{
  WfRunResult *result;

  g_return_val_if_fail (self != NULL, NULL);

  result = g_steal_pointer (&self->result);
  g_free (result->stdout_text);
  g_free (result->stderr_text);
  result->stdout_text = g_utf8_make_valid (self->out->str, (gssize) self->out->len);
  result->stderr_text = g_utf8_make_valid (self->err->str, (gssize) self->err->len);

  /* A fresh result so a second finish() is harmless. */
  self->result = wf_run_result_new ();

  return result;
}
