/* wf-csv.c: CSV, Markdown and JSON export of runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-csv"

#include "config.h"

#include <inttypes.h>

#include "wf-csv.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK (wf-csv-error-quark, wf_csv_error)

#define CSV_EOL            "\r\n"
#define FILE_NAME_MAX      40
#define MARKDOWN_MAX_ROWS  50
#define MARKDOWN_MAX_CELL  200

/* Cells */

/* "-12", "3.5", "-1e-3": text a spreadsheet reads as a plain number. Such text
 * is safe to leave alone, so negative numbers held as text stay numbers. */
static gboolean
is_plain_number (const char *s)
{
  const char *p = s;
  gboolean digits = FALSE;

  if (*p == '-')
    p++;
  while (g_ascii_isdigit (*p))
    {
      p++;
      digits = TRUE;
    }
  if (*p == '.')
    {
      p++;
      while (g_ascii_isdigit (*p))
        {
          p++;
          digits = TRUE;
        }
    }
  if (!digits)
    return FALSE;
  if (*p == 'e' || *p == 'E')
    {
      gboolean exp_digits = FALSE;

      p++;
      if (*p == '+' || *p == '-')
        p++;
      while (g_ascii_isdigit (*p))
        {
          p++;
          exp_digits = TRUE;
        }
      if (!exp_digits)
        return FALSE;
    }
  return *p == '\0';
}

static gboolean
needs_formula_guard (const char *s)
{
  switch (s[0])
    {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return !is_plain_number (s);
    default:
      return FALSE;
    }
}

void
wf_csv_append_text (GString    *out,
                    const char *text)
{
  g_autofree char *valid = NULL;
  gboolean guard;
  const char *p;

  g_return_if_fail (out != NULL);

  if (text == NULL || *text == '\0')
    return;

  valid = g_utf8_make_valid (text, -1);
  guard = needs_formula_guard (valid);

  if (strpbrk (valid, ",\"\r\n") == NULL)
    {
      if (guard)
        g_string_append_c (out, '\'');
      g_string_append (out, valid);
      return;
    }

  g_string_append_c (out, '"');
  if (guard)
    g_string_append_c (out, '\'');
  for (p = valid; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

void
wf_csv_append_number (GString *out,
                      double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_if_fail (out != NULL);

  if (!isfinite (value))
    return;
  if (value == 0)
    {
      g_string_append_c (out, '0');    /* never "-0" */
      return;
    }
  if (value == floor (value) && fabs (value) < 9007199254740992.0)
    {
      g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.0f", value));
      return;
    }

  /* The shortest of %.15g and %.17g that reads back exactly. */
  g_ascii_formatd (buf, sizeof buf, "%.15g", value);
  if (g_ascii_strtod (buf, NULL) != value)
    g_ascii_formatd (buf, sizeof buf, "%.17g", value);
  g_string_append (out, buf);
}

void
wf_csv_append_node (GString  *out,
                    JsonNode *node)
{
  g_return_if_fail (out != NULL);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;
  if (!JSON_NODE_HOLDS_VALUE (node))
    {
      /* Not a scalar: keep it readable as JSON text. */
      g_autofree char *text = json_to_string (node, FALSE);
      wf_csv_append_text (out, text);
      return;
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
      break;
    case G_TYPE_DOUBLE:
      wf_csv_append_number (out, json_node_get_double (node));
      break;
    case G_TYPE_BOOLEAN:
      g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
      break;
    case G_TYPE_STRING:
      wf_csv_append_text (out, json_node_get_string (node));
      break;
    default:
      break;
    }
}

void
wf_csv_append_table (GString       *out,
                     const WfTable *table)
{
  guint n_rows;

  g_return_if_fail (out != NULL);
  g_return_if_fail (table != NULL);

  for (guint c = 0; c < table->columns->len; c++)
    {
      if (c > 0)
        g_string_append_c (out, ',');
      wf_csv_append_text (out, g_ptr_array_index (table->columns, c));
    }
  g_string_append (out, CSV_EOL);

  n_rows = wf_table_get_n_rows (table);
  for (guint r = 0; r < n_rows; r++)
    {
      JsonNode *row = json_array_get_element (table->rows, r);

      if (row != NULL && JSON_NODE_HOLDS_ARRAY (row))
        {
          JsonArray *cells = json_node_get_array (row);
          guint n = MAX (json_array_get_length (cells), table->columns->len);

          /* Short rows are padded so that every line has the header's width. */
          for (guint c = 0; c < n; c++)
            {
              if (c > 0)
                g_string_append_c (out, ',');
              if (c < json_array_get_length (cells))
                wf_csv_append_node (out, json_array_get_element (cells, c));
            }
        }
      else
        wf_csv_append_node (out, row);
      g_string_append (out, CSV_EOL);
    }
}

static GString *
new_output (WfCsvFlags flags)
{
  GString *out = g_string_new (NULL);

  if (flags & WF_CSV_FLAGS_BOM)
    g_string_append (out, "\xEF\xBB\xBF");
  return out;
}

char *
wf_csv_table_to_string (const WfTable *table,
                        WfCsvFlags     flags)
{
  GString *out;

  g_return_val_if_fail (table != NULL, NULL);

  out = new_output (flags);
  wf_csv_append_table (out, table);
  return g_string_free (out, FALSE);
}

WfTable *
wf_csv_metrics_table (const WfRun *run)
{
  WfTable *table;

  g_return_val_if_fail (run != NULL, NULL);

  if (run->result == NULL || run->result->metrics->len == 0)
    return NULL;

  table = wf_table_new ("metrics");
  g_ptr_array_add (table->columns, g_strdup ("name"));
  g_ptr_array_add (table->columns, g_strdup ("value"));
  g_ptr_array_add (table->columns, g_strdup ("unit"));
  for (guint i = 0; i < run->result->metrics->len; i++)
    {
      const WfMetric *m = g_ptr_array_index (run->result->metrics, i);
      JsonArray *row = json_array_new ();

      json_array_add_string_element (row, m->name);
      if (isfinite (m->value))
        json_array_add_double_element (row, m->value);
      else
        json_array_add_null_element (row);
      if (m->unit)
        json_array_add_string_element (row, m->unit);
      else
        json_array_add_null_element (row);
      json_array_add_array_element (table->rows, row);
    }
  return table;
}

static gboolean
write_file (const char  *path,
            const char  *data,
            gsize        len,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  /* Written to a temporary file and renamed: a failure leaves nothing at path. */
  if (!g_file_set_contents_full (path, data, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local_error))
    {
      g_set_error (error, WF_CSV_ERROR, WF_CSV_ERROR_IO,
                   _("Cannot write %s: %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

char *
wf_csv_run_to_string (const WfRun  *run,
                      const char   *table_name,
                      WfCsvFlags    flags,
                      GError      **error)
{
  g_autoptr(GString) out = NULL;
  g_autoptr(GPtrArray) tables = g_ptr_array_new ();
  g_autoptr(WfTable) metrics = NULL;

  g_return_val_if_fail (run != NULL, NULL);

  metrics = wf_csv_metrics_table (run);
  for (guint i = 0; run->result != NULL && i < run->result->tables->len; i++)
    {
      WfTable *t = g_ptr_array_index (run->result->tables, i);
      if (table_name == NULL || g_strcmp0 (t->name, table_name) == 0)
        g_ptr_array_add (tables, t);
    }
  /* "metrics" names the metric list unless a real table has that name. */
  if (metrics != NULL && tables->len == 0 &&
      (table_name == NULL || g_str_equal (table_name, "metrics")))
    g_ptr_array_add (tables, metrics);

  if (tables->len == 0)
    {
      if (table_name != NULL)
        g_set_error (error, WF_CSV_ERROR, WF_CSV_ERROR_NOT_FOUND,
                     _("Run %" PRId64 " has no table named “%s”"), run->id, table_name);
      else
        g_set_error (error, WF_CSV_ERROR, WF_CSV_ERROR_EMPTY,
                     _("Run %" PRId64 " has no tables or metrics to export"), run->id);
      return NULL;
    }

  out = new_output (flags);
  if (tables->len == 1)
    wf_csv_append_table (out, g_ptr_array_index (tables, 0));
  else
    for (guint i = 0; i < tables->len; i++)
      {
        const WfTable *t = g_ptr_array_index (tables, i);

        if (i > 0)
          g_string_append (out, CSV_EOL);
        wf_csv_append_text (out, t->name);
        g_string_append (out, CSV_EOL);
        wf_csv_append_table (out, t);
      }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

gboolean
wf_csv_export_run (const WfRun  *run,
                   const char   *table_name,
                   const char   *path,
                   WfCsvFlags    flags,
                   GError      **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (run != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  text = wf_csv_run_to_string (run, table_name, flags, error);
  if (text == NULL)
    return FALSE;
  return write_file (path, text, strlen (text), error);
}

static char *
file_part (const char *name)
{
  GString *s = g_string_new (NULL);

  for (const char *p = name ? name : ""; *p && s->len < FILE_NAME_MAX; p++)
    g_string_append_c (s, g_ascii_isalnum (*p) || *p == '-' || *p == '_' ? *p : '_');
  if (s->len == 0)
    g_string_append (s, "table");
  return g_string_free (s, FALSE);
}

static char *
format_local_time (gint64 unix_us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (unix_us / G_USEC_PER_SEC);

  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S") : g_strdup ("");
}

gboolean
wf_csv_export_session (WfStore     *store,
                       gint64       session_id,
                       const char  *folder,
                       WfCsvFlags   flags,
                       GError     **error)
{
  g_autoptr(WfSessionInfo) info = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GString) summary = NULL;
  g_autofree char *summary_path = NULL;
  gint64 total = 0, total_llm = 0, total_sandbox = 0;

  g_return_val_if_fail (WF_IS_STORE (store), FALSE);
  g_return_val_if_fail (folder != NULL, FALSE);

  info = wf_store_get_session (store, session_id, error);
  if (info == NULL)
    return FALSE;
  runs = wf_store_list_runs (store, session_id, 0, 0, error);
  if (runs == NULL)
    return FALSE;
  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, WF_CSV_ERROR, WF_CSV_ERROR_IO,
                   _("Cannot create the folder %s: %s"), folder, g_strerror (saved));
      return FALSE;
    }

  summary = new_output (flags);
  g_string_append (summary, "run_id,time,mode,outcome,question,answer,provider,model,"
                            "model_usd,sandbox_usd,cost_usd,cost_estimated,tables" CSV_EOL);

  /* Oldest first reads like the conversation did. */
  for (guint i = runs->len; i-- > 0;)
    {
      const WfRunSummary *s = g_ptr_array_index (runs, i);
      g_autoptr(WfRun) run = wf_store_load_run (store, s->id, error);
      g_autoptr(GString) files = g_string_new (NULL);
      g_autoptr(WfTable) metrics = NULL;
      g_autofree char *when = NULL;

      if (run == NULL)
        return FALSE;

      for (guint t = 0; run->result != NULL && t < run->result->tables->len; t++)
        {
          const WfTable *table = g_ptr_array_index (run->result->tables, t);
          g_autofree char *part = file_part (table->name);
          g_autofree char *name = g_strdup_printf ("run-%" G_GINT64_FORMAT "-%u-%s.csv",
                                                   run->id, t + 1, part);
          g_autofree char *path = g_build_filename (folder, name, NULL);
          g_autoptr(GString) out = new_output (flags);

          wf_csv_append_table (out, table);
          if (!write_file (path, out->str, out->len, error))
            return FALSE;
          g_string_append_printf (files, "%s%s", files->len ? " " : "", name);
        }

      metrics = wf_csv_metrics_table (run);
      if (metrics != NULL)
        {
          g_autofree char *name = g_strdup_printf ("run-%" G_GINT64_FORMAT "-metrics.csv", run->id);
          g_autofree char *path = g_build_filename (folder, name, NULL);
          g_autoptr(GString) out = new_output (flags);

          wf_csv_append_table (out, metrics);
          if (!write_file (path, out->str, out->len, error))
            return FALSE;
          g_string_append_printf (files, "%s%s", files->len ? " " : "", name);
        }

      when = format_local_time (run->created_us);
      g_string_append_printf (summary, "%" G_GINT64_FORMAT ",", run->id);
      wf_csv_append_text (summary, when);
      g_string_append_printf (summary, ",%s,%s,", wf_mode_to_string (run->mode),
                              wf_outcome_to_string (run->outcome));
      wf_csv_append_text (summary, run->question);
      g_string_append_c (summary, ',');
      wf_csv_append_text (summary, run->answer ? run->answer : run->message);
      g_string_append_c (summary, ',');
      wf_csv_append_text (summary, run->provider);
      g_string_append_c (summary, ',');
      wf_csv_append_text (summary, run->model);
      g_string_append_c (summary, ',');
      {
        gint64 llm = 0, sandbox = 0;

        for (guint k = 0; k < run->spans->len; k++)
          {
            const WfCostSpan *span = g_ptr_array_index (run->spans, k);
            llm += MAX (span->llm_micros, 0);
            sandbox += MAX (span->sandbox_micros, 0);
          }
        wf_csv_append_number (summary, wf_micros_to_usd (llm));
        g_string_append_c (summary, ',');
        wf_csv_append_number (summary, wf_micros_to_usd (sandbox));
        g_string_append_c (summary, ',');
        total_llm += llm;
        total_sandbox += sandbox;
      }
      wf_csv_append_number (summary, wf_micros_to_usd (run->total_micros));
      g_string_append_printf (summary, ",%s,", run->cost_estimated ? "true" : "false");
      wf_csv_append_text (summary, files->str);
      g_string_append (summary, CSV_EOL);
      total += run->total_micros;
    }

  g_string_append (summary, ",,,,");
  wf_csv_append_text (summary, _("Total"));
  g_string_append (summary, ",,,,");
  wf_csv_append_number (summary, wf_micros_to_usd (total_llm));
  g_string_append_c (summary, ',');
  wf_csv_append_number (summary, wf_micros_to_usd (total_sandbox));
  g_string_append_c (summary, ',');
  wf_csv_append_number (summary, wf_micros_to_usd (total));
  g_string_append (summary, ",," CSV_EOL);

  summary_path = g_build_filename (folder, "summary.csv", NULL);
  return write_file (summary_path, summary->str, summary->len, error);
}

/* Markdown */

static void
md_cell (GString    *out,
         const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);
  guint n = 0;

  for (const char *p = valid; *p && n < MARKDOWN_MAX_CELL; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '|' || c == '\\' || c == '`' || c == '*' || c == '_' || c == '<')
        g_string_append_c (out, '\\');
      if (c == '\n' || c == '\r' || c == '\t')
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  if (*(valid + 0) != '\0' && g_utf8_strlen (valid, -1) > MARKDOWN_MAX_CELL)
    g_string_append (out, "…");
}

static void
md_node (GString  *out,
         JsonNode *node)
{
  g_autoptr(GString) s = g_string_new (NULL);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    {
      md_cell (out, json_node_get_string (node));
      return;
    }
  wf_csv_append_node (s, node);
  md_cell (out, s->str);
}

static void
md_table (GString       *out,
          const WfTable *table)
{
  guint n_rows = wf_table_get_n_rows (table);
  guint n_cols = MAX (table->columns->len, 1);

  g_string_append (out, "|");
  for (guint c = 0; c < table->columns->len; c++)
    {
      g_string_append_c (out, ' ');
      md_cell (out, g_ptr_array_index (table->columns, c));
      g_string_append (out, " |");
    }
  if (table->columns->len == 0)
    g_string_append (out, " |");
  g_string_append (out, "\n|");
  for (guint c = 0; c < n_cols; c++)
    g_string_append (out, " --- |");
  g_string_append_c (out, '\n');

  for (guint r = 0; r < n_rows && r < MARKDOWN_MAX_ROWS; r++)
    {
      JsonNode *row = json_array_get_element (table->rows, r);

      g_string_append (out, "|");
      for (guint c = 0; c < n_cols; c++)
        {
          JsonNode *cell = NULL;

          if (JSON_NODE_HOLDS_ARRAY (row) && c < json_array_get_length (json_node_get_array (row)))
            cell = json_array_get_element (json_node_get_array (row), c);
          g_string_append_c (out, ' ');
          md_node (out, cell);
          g_string_append (out, " |");
        }
      g_string_append_c (out, '\n');
    }
  if (n_rows > MARKDOWN_MAX_ROWS)
    g_string_append_printf (out, _("\n*%u more rows in the CSV export.*\n"), n_rows - MARKDOWN_MAX_ROWS);
}

static char *
usd (gint64 micros)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup_printf ("$%s", g_ascii_formatd (buf, sizeof buf,
                                                   micros < 10000 && micros > 0 ? "%.4f" : "%.2f",
                                                   micros / 1e6));
}

static void
md_number (GString *out,
           double   value)
{
  if (isfinite (value))
    wf_csv_append_number (out, value);
  else
    g_string_append (out, "—");
}

char *
wf_csv_run_to_markdown (const WfRun *run)
{
  GString *out;
  g_autofree char *when = NULL;
  g_autofree char *cost = NULL;

  g_return_val_if_fail (run != NULL, NULL);

  out = g_string_new (NULL);
  when = format_local_time (run->created_us);
  g_string_append_printf (out, "# %s %" PRId64 "\n\n", _("Run"), run->id);
  g_string_append_printf (out, "*%s · %s · %s*\n\n", when, wf_mode_to_string (run->mode),
                          wf_outcome_to_string (run->outcome));

  g_string_append_printf (out, "## %s\n\n", _("Question"));
  md_cell (out, run->question);
  g_string_append (out, "\n\n");

  if (run->result != NULL && run->result->params->len > 0)
    {
      g_string_append_printf (out, "## %s\n\n", _("Assumptions"));
      for (guint i = 0; i < run->result->params->len; i++)
        {
          const WfParam *p = g_ptr_array_index (run->result->params, i);
          g_string_append (out, "- ");
          md_cell (out, p->label);
          g_string_append (out, ": ");
          md_number (out, p->value);
          g_string_append_printf (out, " (%s)\n", p->kind);
        }
      g_string_append_c (out, '\n');
    }

  g_string_append_printf (out, "## %s\n\n", _("Answer"));
  md_cell (out, run->answer ? run->answer : run->message);
  g_string_append (out, "\n\n");

  if (run->result != NULL && run->result->metrics->len > 0)
    {
      g_string_append_printf (out, "## %s\n\n", _("Metrics"));
      for (guint i = 0; i < run->result->metrics->len; i++)
        {
          const WfMetric *m = g_ptr_array_index (run->result->metrics, i);
          g_string_append (out, "- ");
          md_cell (out, m->name);
          g_string_append (out, ": ");
          md_number (out, m->value);
          if (m->unit)
            {
              g_string_append_c (out, ' ');
              md_cell (out, m->unit);
            }
          g_string_append_c (out, '\n');
        }
      g_string_append_c (out, '\n');
    }

  for (guint i = 0; run->result != NULL && i < run->result->tables->len; i++)
    {
      const WfTable *t = g_ptr_array_index (run->result->tables, i);
      g_string_append (out, "## ");
      md_cell (out, t->name);
      g_string_append (out, "\n\n");
      md_table (out, t);
      g_string_append_c (out, '\n');
    }

  if (run->code != NULL && *run->code)
    {
      /* A fence longer than any run of backticks inside the code. */
      guint longest = 0, current = 0;
      g_autofree char *fence = NULL;

      for (const char *p = run->code; *p; p++)
        {
          current = *p == '`' ? current + 1 : 0;
          longest = MAX (longest, current);
        }
      fence = g_strnfill (MAX (3, longest + 1), '`');
      g_string_append_printf (out, "## %s\n\n%s%s\n%s\n%s\n\n", _("Code"), fence,
                              run->language ? run->language : "", run->code, fence);
    }

  cost = usd (run->total_micros);
  g_string_append_printf (out, "## %s\n\n%s%s", _("Cost"), cost,
                          run->cost_estimated ? _(" (estimated)") : "");
  if (run->model)
    {
      g_string_append (out, " · ");
      md_cell (out, run->model);
    }
  g_string_append_c (out, '\n');

  return g_string_free (out, FALSE);
}

/* JSON */

static void
add_string_or_null (JsonBuilder *b,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_embedded_json (JsonBuilder *b,
                   const char  *name,
                   const char  *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  json_builder_set_member_name (b, name);
  if (text != NULL && json_parser_load_from_data (parser, text, -1, NULL) &&
      json_parser_get_root (parser) != NULL)
    json_builder_add_value (b, json_node_copy (json_parser_get_root (parser)));
  else if (text != NULL)
    json_builder_add_string_value (b, text);
  else
    json_builder_add_null_value (b);
}

JsonNode *
wf_csv_run_to_json (const WfRun *run)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (run != NULL, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "run_id");
  json_builder_add_int_value (b, run->id);
  json_builder_set_member_name (b, "session_id");
  json_builder_add_int_value (b, run->session_id);
  json_builder_set_member_name (b, "parent_run_id");
  if (run->parent_run_id > 0)
    json_builder_add_int_value (b, run->parent_run_id);
  else
    json_builder_add_null_value (b);
  add_string_or_null (b, "mode", wf_mode_to_string (run->mode));
  add_string_or_null (b, "outcome", wf_outcome_to_string (run->outcome));
  add_string_or_null (b, "question", run->question);
  add_string_or_null (b, "answer", run->answer);
  add_string_or_null (b, "message", run->message);
  add_string_or_null (b, "explanation", run->explanation);
  add_string_or_null (b, "language", run->language);
  add_string_or_null (b, "code", run->code);
  add_string_or_null (b, "code_hash", run->code_hash);
  add_string_or_null (b, "provider", run->provider);
  add_string_or_null (b, "model", run->model);
  add_embedded_json (b, "verdict", run->verdict_json);
  add_embedded_json (b, "overrides", run->overrides_json);
  add_embedded_json (b, "clarification", run->clarification_json);
  json_builder_set_member_name (b, "fixes");
  json_builder_begin_array (b);
  for (guint i = 0; run->fixes != NULL && i < run->fixes->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (run->fixes, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "cost_micros");
  json_builder_add_int_value (b, run->total_micros);
  json_builder_set_member_name (b, "cost_usd");
  json_builder_add_double_value (b, wf_micros_to_usd (run->total_micros));
  json_builder_set_member_name (b, "cost_estimated");
  json_builder_add_boolean_value (b, run->cost_estimated);
  json_builder_set_member_name (b, "created_us");
  json_builder_add_int_value (b, run->created_us);
  json_builder_set_member_name (b, "finished_us");
  json_builder_add_int_value (b, run->finished_us);
  json_builder_set_member_name (b, "spans");
  json_builder_begin_array (b);
  for (guint i = 0; run->spans != NULL && i < run->spans->len; i++)
    wf_cost_span_to_json (g_ptr_array_index (run->spans, i), b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "result");
  if (run->result != NULL)
    {
      json_builder_begin_object (b);
      wf_run_result_add_members (run->result, b);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}
