/* wf-store-runs.c: sessions and runs: saving, loading, listing, search;
 * part of the store, the only place that speaks SQL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-store"

#include "config.h"

#include <inttypes.h>

#include "wf-store-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#define TITLE_MAX_CHARS 80
#define SEARCH_MAX_TERMS 16

/* Sessions */

static char *
title_from_question (const char *question)
{
  g_autofree char *valid = g_utf8_make_valid (question ? question : "", -1);
  g_autofree char *one_line = NULL;
  char *p;

  for (p = valid; *p; p++)
    if (*p == '\n' || *p == '\r' || *p == '\t')
      *p = ' ';
  one_line = g_strstrip (g_strdup (valid));

  if (*one_line == '\0')
    return g_strdup (_("New session"));
  if (g_utf8_strlen (one_line, -1) <= TITLE_MAX_CHARS)
    return g_steal_pointer (&one_line);

  {
    g_autofree char *cut = g_utf8_substring (one_line, 0, TITLE_MAX_CHARS - 1);
    return g_strconcat (cut, "…", NULL);
  }
}

static gboolean
insert_session (WfStore     *self,
                const char  *title,
                gint64       now,
                gint64      *out_id,
                GError     **error)
{
  g_autoptr(WfStmt) stmt = wf_store_prepare (self,
    "INSERT INTO sessions (title, created_us, updated_us) VALUES (?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  wf_store_bind_text (stmt, 1, title ? title : "");
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_int64 (stmt, 3, now);
  if (!wf_store_step_done (self, stmt, "create session", error))
    return FALSE;
  *out_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

gboolean
wf_store_create_session (WfStore     *self,
                         const char  *title,
                         gint64      *out_id,
                         GError     **error)
{
  g_autofree char *valid = NULL;
  gint64 id = 0;
  TxKind kind;
  gboolean ok;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);

  valid = title ? g_utf8_make_valid (title, -1) : g_strdup (_("New session"));
  kind = wf_store_tx_begin (self, error);
  if (kind == TX_FAILED)
    return FALSE;
  ok = insert_session (self, valid, g_get_real_time (), &id, error);
  if (!wf_store_tx_end (self, kind, ok, ok ? error : NULL) || !ok)
    return FALSE;
  if (out_id)
    *out_id = id;
  return TRUE;
}

#define SESSION_COLUMNS \
  "s.id, s.title, s.created_us, s.updated_us, " \
  "(SELECT count(*) FROM runs r WHERE r.session_id = s.id), " \
  "(SELECT coalesce (sum (r.total_micros), 0) FROM runs r WHERE r.session_id = s.id) "

static WfSessionInfo *
session_from_row (sqlite3_stmt *stmt)
{
  WfSessionInfo *info = wf_session_info_new ();

  info->id = sqlite3_column_int64 (stmt, 0);
  info->title = wf_store_col_dup (stmt, 1);
  info->created_us = sqlite3_column_int64 (stmt, 2);
  info->updated_us = sqlite3_column_int64 (stmt, 3);
  info->n_runs = (guint) sqlite3_column_int64 (stmt, 4);
  info->total_micros = sqlite3_column_int64 (stmt, 5);
  return info;
}

WfSessionInfo *
wf_store_get_session (WfStore  *self,
                      gint64    session_id,
                      GError  **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  stmt = wf_store_prepare (self, "SELECT " SESSION_COLUMNS "FROM sessions s WHERE s.id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return session_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND,
                 _("There is no session %" PRId64), session_id);
  else
    wf_store_set_db_error (self, rc, "read session", error);
  return NULL;
}

GPtrArray *
wf_store_list_sessions (WfStore  *self,
                        guint     offset,
                        guint     limit,
                        GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_session_info_free);
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  stmt = wf_store_prepare (self, "SELECT " SESSION_COLUMNS "FROM sessions s "
                        "ORDER BY s.updated_us DESC, s.id DESC LIMIT ? OFFSET ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit == 0 ? -1 : (gint64) limit);
  sqlite3_bind_int64 (stmt, 2, offset);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, session_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      wf_store_set_db_error (self, rc, "list sessions", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

gboolean
wf_store_rename_session (WfStore     *self,
                         gint64       session_id,
                         const char  *title,
                         GError     **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  g_autofree char *valid = NULL;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (title != NULL, FALSE);

  valid = g_utf8_make_valid (title, -1);
  stmt = wf_store_prepare (self, "UPDATE sessions SET title = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  wf_store_bind_text (stmt, 1, valid);
  sqlite3_bind_int64 (stmt, 2, session_id);
  if (!wf_store_step_done (self, stmt, "rename session", error))
    return FALSE;
  return wf_store_expect_one_change (self, _("session"), session_id, error);
}

gboolean
wf_store_delete_session (WfStore  *self,
                         gint64    session_id,
                         GError  **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  TxKind kind;
  gboolean ok;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);

  stmt = wf_store_prepare (self, "DELETE FROM sessions WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  kind = wf_store_tx_begin (self, error);
  if (kind == TX_FAILED)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  ok = wf_store_step_done (self, stmt, "delete session", error) &&
       wf_store_expect_one_change (self, _("session"), session_id, error);
  sqlite3_reset (stmt);
  return wf_store_tx_end (self, kind, ok, ok ? error : NULL) && ok;
}

GPtrArray *
wf_store_list_messages (WfStore  *self,
                        gint64    session_id,
                        GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_message_free);
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  stmt = wf_store_prepare (self, "SELECT id, session_id, role, content, coalesce (run_id, 0), created_us "
                        "FROM messages WHERE session_id = ? ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      WfMessage *m = wf_message_new ((const char *) sqlite3_column_text (stmt, 2),
                                     (const char *) sqlite3_column_text (stmt, 3));
      m->id = sqlite3_column_int64 (stmt, 0);
      m->session_id = sqlite3_column_int64 (stmt, 1);
      m->run_id = sqlite3_column_int64 (stmt, 4);
      m->created_us = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (list, m);
    }
  if (rc != SQLITE_DONE)
    {
      wf_store_set_db_error (self, rc, "list messages", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* JSON columns */

static char *
builder_to_string (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static char *
strv_to_json (const GPtrArray *strings)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; strings != NULL && i < strings->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (strings, i));
  json_builder_end_array (builder);
  return builder_to_string (builder);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

static void
json_to_strv (const char *text,
              GPtrArray  *into)
{
  g_autoptr(JsonNode) node = parse_json (text);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *s = json_node_get_string (json_array_get_element (array, i));
      if (s != NULL)
        g_ptr_array_add (into, g_strdup (s));
    }
}

/* Runs */

static const char insert_run_sql[] =
  "INSERT INTO runs (session_id, parent_run_id, mode, language, question, code, code_hash,"
  " explanation, answer, outcome, message, provider, model, verdict_json, overrides_json,"
  " clarification_json, fixes_json, total_micros, cost_estimated, created_us, finished_us,"
  " has_result, status, exit_code, stdout, stderr, error_message, backend, result_verdict_json,"
  " logs_json, limits_hit_json, wall_ms, cpu_ms, peak_rss_kb, stdout_truncated,"
  " stderr_truncated, tables_truncated)"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
  " ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37)";

static gboolean
insert_run_row (WfStore     *self,
                const WfRun *run,
                gint64       session_id,
                gint64       created_us,
                gint64      *out_id,
                GError     **error)
{
  g_autoptr(WfStmt) stmt = wf_store_prepare (self, insert_run_sql, error);
  g_autofree char *fixes = NULL;
  g_autofree char *logs = NULL;
  g_autofree char *limits = NULL;
  const WfRunResult *r = run->result;

  if (stmt == NULL)
    return FALSE;

  fixes = strv_to_json (run->fixes);
  sqlite3_bind_int64 (stmt, 1, session_id);
  if (run->parent_run_id > 0)
    sqlite3_bind_int64 (stmt, 2, run->parent_run_id);
  wf_store_bind_text (stmt, 3, wf_mode_to_string (run->mode));
  wf_store_bind_text (stmt, 4, run->language);
  wf_store_bind_text (stmt, 5, run->question ? run->question : "");
  wf_store_bind_text (stmt, 6, run->code);
  wf_store_bind_text (stmt, 7, run->code_hash);
  wf_store_bind_text (stmt, 8, run->explanation);
  wf_store_bind_text (stmt, 9, run->answer);
  wf_store_bind_text (stmt, 10, wf_outcome_to_string (run->outcome));
  wf_store_bind_text (stmt, 11, run->message);
  wf_store_bind_text (stmt, 12, run->provider);
  wf_store_bind_text (stmt, 13, run->model);
  wf_store_bind_text (stmt, 14, run->verdict_json);
  wf_store_bind_text (stmt, 15, run->overrides_json);
  wf_store_bind_text (stmt, 16, run->clarification_json);
  wf_store_bind_text (stmt, 17, fixes);
  sqlite3_bind_int64 (stmt, 18, MAX (run->total_micros, 0));
  sqlite3_bind_int (stmt, 19, run->cost_estimated ? 1 : 0);
  sqlite3_bind_int64 (stmt, 20, created_us);
  sqlite3_bind_int64 (stmt, 21, run->finished_us);
  sqlite3_bind_int (stmt, 22, r != NULL);
  if (r != NULL)
    {
      logs = strv_to_json (r->logs);
      limits = strv_to_json (r->limits_hit);
      wf_store_bind_text (stmt, 23, wf_run_status_to_string (r->status));
      sqlite3_bind_int (stmt, 24, r->exit_code);
      wf_store_bind_text (stmt, 25, r->stdout_text);
      wf_store_bind_text (stmt, 26, r->stderr_text);
      wf_store_bind_text (stmt, 27, r->error_message);
      wf_store_bind_text (stmt, 28, r->backend);
      wf_store_bind_text (stmt, 29, r->verdict_json);
      wf_store_bind_text (stmt, 30, logs);
      wf_store_bind_text (stmt, 31, limits);
      sqlite3_bind_int64 (stmt, 32, r->wall_ms);
      sqlite3_bind_int64 (stmt, 33, r->cpu_ms);
      sqlite3_bind_int64 (stmt, 34, r->peak_rss_kb);
      sqlite3_bind_int (stmt, 35, r->stdout_truncated ? 1 : 0);
      sqlite3_bind_int (stmt, 36, r->stderr_truncated ? 1 : 0);
      sqlite3_bind_int (stmt, 37, r->tables_truncated ? 1 : 0);
    }
  else
    {
      /* Unbound parameters are NULL, not the column default. */
      sqlite3_bind_int (stmt, 24, 0);
      for (int i = 32; i <= 37; i++)
        sqlite3_bind_int (stmt, i, 0);
    }

  if (!wf_store_step_done (self, stmt, "save run", error))
    return FALSE;
  *out_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

static gboolean
insert_message (WfStore     *self,
                gint64       session_id,
                const char  *role,
                const char  *content,
                gint64       run_id,
                gint64       created_us,
                GError     **error)
{
  g_autoptr(WfStmt) stmt = wf_store_prepare (self,
    "INSERT INTO messages (session_id, role, content, run_id, created_us) VALUES (?, ?, ?, ?, ?)",
    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  wf_store_bind_text (stmt, 2, role);
  wf_store_bind_text (stmt, 3, content ? content : "");
  if (run_id > 0)
    sqlite3_bind_int64 (stmt, 4, run_id);
  sqlite3_bind_int64 (stmt, 5, created_us);
  return wf_store_step_done (self, stmt, "save message", error);
}

static gboolean
insert_result_parts (WfStore            *self,
                     gint64              run_id,
                     const WfRunResult  *r,
                     GError            **error)
{
  g_autoptr(WfStmt) t = wf_store_prepare (self, "INSERT INTO run_tables (run_id, idx, name, n_rows, table_json)"
                                       " VALUES (?, ?, ?, ?, ?)", error);
  g_autoptr(WfStmt) m = t ? wf_store_prepare (self, "INSERT INTO run_metrics (run_id, idx, name, value, unit)"
                                           " VALUES (?, ?, ?, ?, ?)", error) : NULL;
  g_autoptr(WfStmt) p = m ? wf_store_prepare (self, "INSERT INTO run_params (run_id, idx, label, kind, value,"
                                           " min, max, step) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error) : NULL;
  g_autoptr(WfStmt) c = p ? wf_store_prepare (self, "INSERT INTO run_charts (run_id, idx, chart_json)"
                                           " VALUES (?, ?, ?)", error) : NULL;

  if (c == NULL)
    return FALSE;

  for (guint i = 0; i < r->tables->len; i++)
    {
      const WfTable *table = g_ptr_array_index (r->tables, i);
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autofree char *json = NULL;

      wf_table_to_json (table, builder);
      json = builder_to_string (builder);
      sqlite3_bind_int64 (t, 1, run_id);
      sqlite3_bind_int (t, 2, (int) i);
      wf_store_bind_text (t, 3, table->name);
      sqlite3_bind_int64 (t, 4, wf_table_get_n_rows (table));
      wf_store_bind_text (t, 5, json);
      if (!wf_store_step_done (self, t, "save run table", error))
        return FALSE;
      sqlite3_reset (t);
    }

  for (guint i = 0; i < r->metrics->len; i++)
    {
      const WfMetric *metric = g_ptr_array_index (r->metrics, i);

      sqlite3_bind_int64 (m, 1, run_id);
      sqlite3_bind_int (m, 2, (int) i);
      wf_store_bind_text (m, 3, metric->name);
      wf_store_bind_double (m, 4, metric->value);
      wf_store_bind_text (m, 5, metric->unit);
      if (!wf_store_step_done (self, m, "save run metric", error))
        return FALSE;
      sqlite3_reset (m);
    }

  for (guint i = 0; i < r->params->len; i++)
    {
      const WfParam *param = g_ptr_array_index (r->params, i);

      sqlite3_bind_int64 (p, 1, run_id);
      sqlite3_bind_int (p, 2, (int) i);
      wf_store_bind_text (p, 3, param->label);
      wf_store_bind_text (p, 4, param->kind);
      wf_store_bind_double (p, 5, param->value);
      wf_store_bind_double (p, 6, param->min);
      wf_store_bind_double (p, 7, param->max);
      wf_store_bind_double (p, 8, param->step);
      if (!wf_store_step_done (self, p, "save run parameter", error))
        return FALSE;
      sqlite3_reset (p);
    }

  for (guint i = 0; i < r->charts->len; i++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autofree char *json = NULL;

      wf_chart_to_json (g_ptr_array_index (r->charts, i), builder);
      json = builder_to_string (builder);
      sqlite3_bind_int64 (c, 1, run_id);
      sqlite3_bind_int (c, 2, (int) i);
      wf_store_bind_text (c, 3, json);
      if (!wf_store_step_done (self, c, "save run chart", error))
        return FALSE;
      sqlite3_reset (c);
    }

  return TRUE;
}

static gboolean
insert_spans (WfStore      *self,
              gint64        run_id,
              GPtrArray    *spans,
              GError      **error)
{
  g_autoptr(WfStmt) s = wf_store_prepare (self,
    "INSERT INTO cost_spans (run_id, idx, stage, provider, model, input_tokens, output_tokens,"
    " llm_micros, sandbox_seconds, sandbox_micros, total_micros, start_us, duration_us, outcome,"
    " estimated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);

  if (s == NULL)
    return FALSE;

  for (guint i = 0; spans != NULL && i < spans->len; i++)
    {
      const WfCostSpan *span = g_ptr_array_index (spans, i);

      sqlite3_bind_int64 (s, 1, run_id);
      sqlite3_bind_int (s, 2, (int) i);
      wf_store_bind_text (s, 3, span->stage);
      wf_store_bind_text (s, 4, span->provider);
      wf_store_bind_text (s, 5, span->model);
      sqlite3_bind_int64 (s, 6, span->input_tokens);
      sqlite3_bind_int64 (s, 7, span->output_tokens);
      sqlite3_bind_int64 (s, 8, MAX (span->llm_micros, 0));
      sqlite3_bind_double (s, 9, isfinite (span->sandbox_seconds) ? span->sandbox_seconds : 0.0);
      sqlite3_bind_int64 (s, 10, MAX (span->sandbox_micros, 0));
      sqlite3_bind_int64 (s, 11, MAX (span->total_micros, 0));
      sqlite3_bind_int64 (s, 12, span->start_us);
      sqlite3_bind_int64 (s, 13, span->duration_us);
      wf_store_bind_text (s, 14, span->outcome);
      sqlite3_bind_int (s, 15, span->estimated ? 1 : 0);
      if (!wf_store_step_done (self, s, "save cost span", error))
        return FALSE;
      sqlite3_reset (s);
    }

  return TRUE;
}

static gboolean
save_run_inner (WfStore             *self,
                const WfRun         *run,
                const WfLedgerEntry *settlement,
                gint64               now,
                gint64              *inout_session_id,
                gint64              *out_run_id,
                GError             **error)
{
  gint64 session_id = *inout_session_id;
  gint64 created_us = run->created_us > 0 ? run->created_us : now;
  const char *reply;

  if (session_id <= 0)
    {
      g_autofree char *title = title_from_question (run->question);
      if (!insert_session (self, title, now, &session_id, error))
        return FALSE;
    }
  else
    {
      g_autoptr(WfStmt) touch = wf_store_prepare (self, "UPDATE sessions SET updated_us = max (updated_us, ?)"
                                               " WHERE id = ?", error);
      if (touch == NULL)
        return FALSE;
      sqlite3_bind_int64 (touch, 1, now);
      sqlite3_bind_int64 (touch, 2, session_id);
      if (!wf_store_step_done (self, touch, "update session", error))
        return FALSE;
      if (sqlite3_changes (self->db) == 0)
        {
          g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND,
                       _("There is no session %" PRId64), session_id);
          return FALSE;
        }
    }

  if (!insert_run_row (self, run, session_id, created_us, out_run_id, error))
    return FALSE;

  reply = run->answer && *run->answer ? run->answer : run->message;
  if (!insert_message (self, session_id, "user", run->question, *out_run_id, created_us, error) ||
      !insert_message (self, session_id, "assistant", reply, *out_run_id,
                       run->finished_us > 0 ? run->finished_us : created_us, error))
    return FALSE;

  if (run->result != NULL && !insert_result_parts (self, *out_run_id, run->result, error))
    return FALSE;
  if (!insert_spans (self, *out_run_id, run->spans, error))
    return FALSE;
  if (settlement != NULL &&
      !wf_store_ledger_insert (self, settlement,
                      settlement->session_id > 0 ? settlement->session_id : session_id,
                      NULL, error))
    return FALSE;

  *inout_session_id = session_id;
  return TRUE;
}

gboolean
wf_store_save_run (WfStore             *self,
                   WfRun               *run,
                   const WfLedgerEntry *settlement,
                   GError             **error)
{
  gint64 session_id;
  gint64 run_id = 0;
  gint64 now = g_get_real_time ();
  TxKind kind;
  gboolean ok;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (run != NULL, FALSE);

  session_id = run->session_id;
  kind = wf_store_tx_begin (self, error);
  if (kind == TX_FAILED)
    return FALSE;
  ok = save_run_inner (self, run, settlement, now, &session_id, &run_id, error);
  if (!wf_store_tx_end (self, kind, ok, ok ? error : NULL) || !ok)
    return FALSE;

  run->id = run_id;
  run->session_id = session_id;
  if (run->created_us <= 0)
    run->created_us = now;
  return TRUE;
}

static const char load_run_sql[] =
  "SELECT id, session_id, coalesce (parent_run_id, 0), mode, language, question, code, code_hash,"
  " explanation, answer, outcome, message, provider, model, verdict_json, overrides_json,"
  " clarification_json, fixes_json, total_micros, cost_estimated, created_us, finished_us,"
  " has_result, status, exit_code, stdout, stderr, error_message, backend, result_verdict_json,"
  " logs_json, limits_hit_json, wall_ms, cpu_ms, peak_rss_kb, stdout_truncated,"
  " stderr_truncated, tables_truncated FROM runs WHERE id = ?";

static gboolean
load_result_parts (WfStore      *self,
                   gint64        run_id,
                   WfRunResult  *r,
                   GError      **error)
{
  g_autoptr(WfStmt) t = wf_store_prepare (self, "SELECT table_json FROM run_tables WHERE run_id = ? ORDER BY idx", error);
  g_autoptr(WfStmt) m = t ? wf_store_prepare (self, "SELECT name, value, unit FROM run_metrics WHERE run_id = ? ORDER BY idx", error) : NULL;
  g_autoptr(WfStmt) p = m ? wf_store_prepare (self, "SELECT label, kind, value, min, max, step FROM run_params"
                                           " WHERE run_id = ? ORDER BY idx", error) : NULL;
  g_autoptr(WfStmt) c = p ? wf_store_prepare (self, "SELECT chart_json FROM run_charts WHERE run_id = ? ORDER BY idx", error) : NULL;
  int rc;

  if (c == NULL)
    return FALSE;

  sqlite3_bind_int64 (t, 1, run_id);
  while ((rc = sqlite3_step (t)) == SQLITE_ROW)
    {
      g_autoptr(JsonNode) node = parse_json ((const char *) sqlite3_column_text (t, 0));
      WfTable *table = node ? wf_table_from_json (node, NULL) : NULL;
      if (table == NULL)
        {
          g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_CORRUPT,
                       _("Database %s: a table of run %" PRId64 " is damaged"),
                       self->path, run_id);
          return FALSE;
        }
      g_ptr_array_add (r->tables, table);
    }
  if (rc != SQLITE_DONE)
    return wf_store_set_db_error (self, rc, "load run tables", error);

  sqlite3_bind_int64 (m, 1, run_id);
  while ((rc = sqlite3_step (m)) == SQLITE_ROW)
    g_ptr_array_add (r->metrics, wf_metric_new ((const char *) sqlite3_column_text (m, 0),
                                                wf_store_col_double (m, 1),
                                                (const char *) sqlite3_column_text (m, 2)));
  if (rc != SQLITE_DONE)
    return wf_store_set_db_error (self, rc, "load run metrics", error);

  sqlite3_bind_int64 (p, 1, run_id);
  while ((rc = sqlite3_step (p)) == SQLITE_ROW)
    {
      WfParam *param = wf_param_new ((const char *) sqlite3_column_text (p, 0),
                                     (const char *) sqlite3_column_text (p, 1),
                                     wf_store_col_double (p, 2));
      param->min = wf_store_col_double (p, 3);
      param->max = wf_store_col_double (p, 4);
      param->step = wf_store_col_double (p, 5);
      g_ptr_array_add (r->params, param);
    }
  if (rc != SQLITE_DONE)
    return wf_store_set_db_error (self, rc, "load run parameters", error);

  sqlite3_bind_int64 (c, 1, run_id);
  while ((rc = sqlite3_step (c)) == SQLITE_ROW)
    {
      g_autoptr(JsonNode) node = parse_json ((const char *) sqlite3_column_text (c, 0));
      WfChart *chart = node ? wf_chart_from_json (node, NULL) : NULL;
      if (chart != NULL)
        g_ptr_array_add (r->charts, chart);
    }
  if (rc != SQLITE_DONE)
    return wf_store_set_db_error (self, rc, "load run charts", error);

  return TRUE;
}

static gboolean
load_spans (WfStore    *self,
            gint64      run_id,
            GPtrArray  *spans,
            GError    **error)
{
  g_autoptr(WfStmt) s = wf_store_prepare (self,
    "SELECT stage, provider, model, input_tokens, output_tokens, llm_micros, sandbox_seconds,"
    " sandbox_micros, total_micros, start_us, duration_us, outcome, estimated"
    " FROM cost_spans WHERE run_id = ? ORDER BY idx", error);
  int rc;

  if (s == NULL)
    return FALSE;
  sqlite3_bind_int64 (s, 1, run_id);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      WfCostSpan *span = wf_cost_span_new ((const char *) sqlite3_column_text (s, 0));
      span->provider = wf_store_col_dup (s, 1);
      span->model = wf_store_col_dup (s, 2);
      span->input_tokens = sqlite3_column_int64 (s, 3);
      span->output_tokens = sqlite3_column_int64 (s, 4);
      span->llm_micros = sqlite3_column_int64 (s, 5);
      span->sandbox_seconds = sqlite3_column_double (s, 6);
      span->sandbox_micros = sqlite3_column_int64 (s, 7);
      span->total_micros = sqlite3_column_int64 (s, 8);
      span->start_us = sqlite3_column_int64 (s, 9);
      span->duration_us = sqlite3_column_int64 (s, 10);
      g_free (span->outcome);
      span->outcome = wf_store_col_dup (s, 11);
      span->estimated = sqlite3_column_int (s, 12) != 0;
      g_ptr_array_add (spans, span);
    }
  if (rc != SQLITE_DONE)
    return wf_store_set_db_error (self, rc, "load cost spans", error);
  return TRUE;
}

WfRun *
wf_store_load_run (WfStore  *self,
                   gint64    run_id,
                   GError  **error)
{
  g_autoptr(WfRun) run = NULL;
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  stmt = wf_store_prepare (self, load_run_sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND,
                   _("There is no run %" PRId64), run_id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      wf_store_set_db_error (self, rc, "load run", error);
      return NULL;
    }

  run = wf_run_new ();
  run->id = sqlite3_column_int64 (stmt, 0);
  run->session_id = sqlite3_column_int64 (stmt, 1);
  run->parent_run_id = sqlite3_column_int64 (stmt, 2);
  if (!wf_mode_from_string ((const char *) sqlite3_column_text (stmt, 3), &run->mode))
    run->mode = WF_MODE_ASK;
  run->language = wf_store_col_dup (stmt, 4);
  run->question = wf_store_col_dup (stmt, 5);
  run->code = wf_store_col_dup (stmt, 6);
  run->code_hash = wf_store_col_dup (stmt, 7);
  run->explanation = wf_store_col_dup (stmt, 8);
  run->answer = wf_store_col_dup (stmt, 9);
  if (!wf_outcome_from_string ((const char *) sqlite3_column_text (stmt, 10), &run->outcome))
    run->outcome = WF_OUTCOME_FAILED;
  run->message = wf_store_col_dup (stmt, 11);
  run->provider = wf_store_col_dup (stmt, 12);
  run->model = wf_store_col_dup (stmt, 13);
  run->verdict_json = wf_store_col_dup (stmt, 14);
  run->overrides_json = wf_store_col_dup (stmt, 15);
  run->clarification_json = wf_store_col_dup (stmt, 16);
  json_to_strv ((const char *) sqlite3_column_text (stmt, 17), run->fixes);
  run->total_micros = sqlite3_column_int64 (stmt, 18);
  run->cost_estimated = sqlite3_column_int (stmt, 19) != 0;
  run->created_us = sqlite3_column_int64 (stmt, 20);
  run->finished_us = sqlite3_column_int64 (stmt, 21);

  if (sqlite3_column_int (stmt, 22) != 0)
    {
      WfRunResult *r = wf_run_result_new ();

      run->result = r;
      if (!wf_run_status_from_string ((const char *) sqlite3_column_text (stmt, 23), &r->status))
        r->status = WF_RUN_STATUS_ERROR;
      r->exit_code = sqlite3_column_int (stmt, 24);
      g_free (r->stdout_text);
      r->stdout_text = g_strdup ((const char *) sqlite3_column_text (stmt, 25));
      g_free (r->stderr_text);
      r->stderr_text = g_strdup ((const char *) sqlite3_column_text (stmt, 26));
      if (r->stdout_text == NULL)
        r->stdout_text = g_strdup ("");
      if (r->stderr_text == NULL)
        r->stderr_text = g_strdup ("");
      r->error_message = wf_store_col_dup (stmt, 27);
      r->backend = wf_store_col_dup (stmt, 28);
      r->verdict_json = wf_store_col_dup (stmt, 29);
      json_to_strv ((const char *) sqlite3_column_text (stmt, 30), r->logs);
      json_to_strv ((const char *) sqlite3_column_text (stmt, 31), r->limits_hit);
      r->wall_ms = sqlite3_column_int64 (stmt, 32);
      r->cpu_ms = sqlite3_column_int64 (stmt, 33);
      r->peak_rss_kb = sqlite3_column_int64 (stmt, 34);
      r->stdout_truncated = sqlite3_column_int (stmt, 35) != 0;
      r->stderr_truncated = sqlite3_column_int (stmt, 36) != 0;
      r->tables_truncated = sqlite3_column_int (stmt, 37) != 0;
    }
  sqlite3_reset (stmt);

  if (run->result != NULL && !load_result_parts (self, run->id, run->result, error))
    return NULL;
  if (!load_spans (self, run->id, run->spans, error))
    return NULL;

  return g_steal_pointer (&run);
}

static WfRunSummary *
summary_from_row (sqlite3_stmt *stmt)
{
  WfRunSummary *s = wf_run_summary_new ();

  s->id = sqlite3_column_int64 (stmt, 0);
  s->session_id = sqlite3_column_int64 (stmt, 1);
  if (!wf_mode_from_string ((const char *) sqlite3_column_text (stmt, 2), &s->mode))
    s->mode = WF_MODE_ASK;
  if (!wf_outcome_from_string ((const char *) sqlite3_column_text (stmt, 3), &s->outcome))
    s->outcome = WF_OUTCOME_FAILED;
  s->question = wf_store_col_dup (stmt, 4);
  s->answer = wf_store_col_dup (stmt, 5);
  s->model = wf_store_col_dup (stmt, 6);
  s->total_micros = sqlite3_column_int64 (stmt, 7);
  s->cost_estimated = sqlite3_column_int (stmt, 8) != 0;
  s->created_us = sqlite3_column_int64 (stmt, 9);
  return s;
}

#define SUMMARY_COLUMNS \
  "r.id, r.session_id, r.mode, r.outcome, r.question, coalesce (r.answer, r.message), r.model," \
  " r.total_micros, r.cost_estimated, r.created_us "

static GPtrArray *
collect_summaries (WfStore       *self,
                   sqlite3_stmt  *stmt,
                   GError       **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_run_summary_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, summary_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      wf_store_set_db_error (self, rc, "list runs", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

GPtrArray *
wf_store_list_runs (WfStore  *self,
                    gint64    session_id,
                    guint     offset,
                    guint     limit,
                    GError  **error)
{
  g_autoptr(WfStmt) stmt = NULL;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  if (session_id > 0)
    stmt = wf_store_prepare (self, "SELECT " SUMMARY_COLUMNS "FROM runs r WHERE r.session_id = ?3"
                          " ORDER BY r.id DESC LIMIT ?1 OFFSET ?2", error);
  else
    stmt = wf_store_prepare (self, "SELECT " SUMMARY_COLUMNS "FROM runs r"
                          " ORDER BY r.id DESC LIMIT ?1 OFFSET ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit == 0 ? -1 : (gint64) limit);
  sqlite3_bind_int64 (stmt, 2, offset);
  if (session_id > 0)
    sqlite3_bind_int64 (stmt, 3, session_id);
  return collect_summaries (self, stmt, error);
}

gint64
wf_store_count_runs (WfStore  *self,
                     gint64    session_id,
                     GError  **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), -1);

  stmt = wf_store_prepare (self, "SELECT count(*) FROM runs WHERE ?1 <= 0 OR session_id = ?1", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, session_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      wf_store_set_db_error (self, rc, "count runs", error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

/* Turns what a person typed into an FTS5 query that cannot be a syntax error:
 * every word becomes a quoted prefix term, all of them required. */
static char *
fts_query_from_text (const char *text)
{
  g_autoptr(GString) q = g_string_new (NULL);
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  const char *p = valid;
  guint n_terms = 0;

  while (*p && n_terms < SEARCH_MAX_TERMS)
    {
      const char *start;

      while (*p && !g_unichar_isalnum (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      start = p;
      while (*p && g_unichar_isalnum (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (p > start)
        {
          g_string_append_printf (q, "%s\"%.*s\"*", n_terms ? " " : "", (int) (p - start), start);
          n_terms++;
        }
    }

  return g_string_free (g_steal_pointer (&q), FALSE);
}

GPtrArray *
wf_store_search_runs (WfStore     *self,
                      const char  *query,
                      guint        limit,
                      GError     **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  g_autofree char *fts = NULL;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  fts = fts_query_from_text (query);
  if (*fts == '\0')
    return g_ptr_array_new_with_free_func ((GDestroyNotify) wf_run_summary_free);

  stmt = wf_store_prepare (self, "SELECT " SUMMARY_COLUMNS "FROM runs_fts JOIN runs r ON r.id = runs_fts.rowid"
                        " WHERE runs_fts MATCH ?1 ORDER BY bm25 (runs_fts), r.id DESC LIMIT ?2", error);
  if (stmt == NULL)
    return NULL;
  wf_store_bind_text (stmt, 1, fts);
  sqlite3_bind_int64 (stmt, 2, limit == 0 ? -1 : (gint64) limit);
  return collect_summaries (self, stmt, error);
}
