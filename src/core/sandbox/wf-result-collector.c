/* wf-result-collector.c: the runner's protocol and output, into a WfRunResult
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-result-collector"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "wf-result-collector.h"

struct _WfResultCollector
{
  WfLimits               limits;
  WfRunResult           *result;
  WfRunnerParser        *parser;   /* fills result */
  GString               *out;
  GString               *err;
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
  self->parser = wf_runner_parser_new (self->result, limits->table_rows, NULL, NULL);

  return self;
}

void
wf_result_collector_free (WfResultCollector *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->parser, wf_runner_parser_free);
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
  wf_runner_parser_set_progress (self->parser, progress, progress_data);
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
  return wf_runner_parser_is_done (self->parser);
}

WfRunResult *
wf_result_collector_peek_result (WfResultCollector *self)
{
  return self->result;
}

/* The parser's error, in the sandbox's domain (what the backends report). */
static gboolean
protocol_error (GError  *local_error,
                GError **error)
{
  g_set_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL,
               _("The runner broke the result protocol: %s"), local_error->message);
  g_error_free (local_error);
  return FALSE;
}

gboolean
wf_result_collector_feed_line (WfResultCollector  *self,
                               const char         *line,
                               gsize               len,
                               GError            **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!wf_runner_parser_line (self->parser, line, len, &local_error))
    return protocol_error (local_error, error);
  return TRUE;
}

gboolean
wf_result_collector_feed (WfResultCollector  *self,
                          const char         *data,
                          gsize               len,
                          GError            **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!wf_runner_parser_feed (self->parser, data, len, &local_error))
    return protocol_error (local_error, error);
  return TRUE;
}

gboolean
wf_result_collector_end (WfResultCollector  *self,
                         GError            **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!wf_runner_parser_end (self->parser, &local_error))
    return protocol_error (local_error, error);
  return TRUE;
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

  /* A fresh result so a second finish() is harmless; the parser, which
   * filled the old one, must not touch it any more. */
  self->result = wf_run_result_new ();
  wf_runner_parser_free (self->parser);
  self->parser = wf_runner_parser_new (self->result, self->limits.table_rows,
                                       self->progress, self->progress_data);

  return result;
}
