/* wf-cli-history.c: history, show, spend and export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-cli"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "wf-cli-commands.h"
#include "wf-csv.h"

#define HISTORY_DEFAULT_LIMIT 20
#define HISTORY_MAX_LIMIT     10000
#define SHOW_MAX_ROWS         20

static void
add_summary_json (JsonBuilder        *b,
                  const WfRunSummary *s)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "run_id");
  json_builder_add_int_value (b, s->id);
  json_builder_set_member_name (b, "session_id");
  json_builder_add_int_value (b, s->session_id);
  json_builder_set_member_name (b, "mode");
  json_builder_add_string_value (b, wf_mode_to_string (s->mode));
  json_builder_set_member_name (b, "outcome");
  json_builder_add_string_value (b, wf_outcome_to_string (s->outcome));
  json_builder_set_member_name (b, "question");
  json_builder_add_string_value (b, s->question ? s->question : "");
  json_builder_set_member_name (b, "answer");
  if (s->answer)
    json_builder_add_string_value (b, s->answer);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "model");
  if (s->model)
    json_builder_add_string_value (b, s->model);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "cost_micros");
  json_builder_add_int_value (b, s->total_micros);
  json_builder_set_member_name (b, "cost_usd");
  json_builder_add_double_value (b, wf_micros_to_usd (s->total_micros));
  json_builder_set_member_name (b, "cost_estimated");
  json_builder_add_boolean_value (b, s->cost_estimated);
  json_builder_set_member_name (b, "created_us");
  json_builder_add_int_value (b, s->created_us);
  json_builder_end_object (b);
}

/* One line of a question for a terminal list. */
static char *
one_line (const char *text,
          guint       max_chars)
{
  g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);
  char *p;

  for (p = valid; *p; p++)
    if ((guchar) *p < 0x20)
      *p = ' ';
  if (g_utf8_strlen (valid, -1) <= max_chars)
    return g_steal_pointer (&valid);
  {
    g_autofree char *cut = g_utf8_substring (valid, 0, max_chars - 1);
    return g_strconcat (cut, "…", NULL);
  }
}

int
wf_cli_history (int    argc,
                char **argv)
{
  WfCliCommon common = { 0 };
  gint64 session_id = 0;
  int limit = HISTORY_DEFAULT_LIMIT;
  int offset = 0;
  g_autofree char *search = NULL;
  const GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_INT64, &session_id, N_("Only runs of this session"), N_("ID") },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("How many runs (default 20)"), N_("N") },
    { "offset", 0, 0, G_OPTION_ARG_INT, &offset, N_("Skip this many of the newest runs"), N_("N") },
    { "search", 's', 0, G_OPTION_ARG_STRING, &search, N_("Only runs whose question or answer has these words"), N_("WORDS") },
    { NULL }
  };
  g_autoptr(WfStore) store = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  int ret;

  if (!wf_cli_parse (&argc, &argv, "history", NULL,
                     _("List past runs, newest first."), entries, &common))
    return WF_CLI_EXIT_USAGE;
  if (argc > 1 || limit < 1 || limit > HISTORY_MAX_LIMIT || offset < 0 || session_id < 0)
    {
      ret = wf_cli_fail (&common, "history", WF_CLI_EXIT_USAGE,
                         argc > 1 ? _("unexpected argument “%s”") : _("--limit must be 1 to 10000, --offset and --session not negative%s"),
                         argc > 1 ? argv[1] : "");
      wf_cli_common_clear (&common);
      return ret;
    }

  store = wf_cli_open_store (&common);
  if (store == NULL)
    {
      wf_cli_common_clear (&common);
      return WF_CLI_EXIT_FAILED;
    }

  if (search != NULL)
    runs = wf_store_search_runs (store, search, (guint) limit, &error);
  else
    runs = wf_store_list_runs (store, session_id, (guint) offset, (guint) limit, &error);
  if (runs == NULL)
    {
      ret = wf_cli_fail (&common, "history", WF_CLI_EXIT_FAILED, "%s", error->message);
      wf_cli_common_clear (&common);
      return ret;
    }

  if (common.json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < runs->len; i++)
        add_summary_json (b, g_ptr_array_index (runs, i));
      json_builder_end_array (b);
      wf_cli_print_builder (b);
    }
  else if (runs->len == 0)
    g_print ("%s\n", _("No runs yet."));
  else
    for (guint i = 0; i < runs->len; i++)
      {
        const WfRunSummary *s = g_ptr_array_index (runs, i);
        g_autofree char *when = wf_cli_format_time (s->created_us);
        g_autofree char *cost = wf_cli_format_usd (s->total_micros);
        g_autofree char *q = one_line (s->question, 60);

        g_print ("%6" G_GINT64_FORMAT "  %s  %-20s %9s%s  %s\n", s->id, when,
                 wf_outcome_to_string (s->outcome), cost, s->cost_estimated ? "~" : " ", q);
      }

  wf_cli_common_clear (&common);
  return WF_CLI_EXIT_OK;
}

static void
print_table (const WfTable *t)
{
  guint n_rows = wf_table_get_n_rows (t);
  g_autoptr(GString) line = g_string_new (NULL);

  g_print ("\n%s (%u %s)\n", t->name, n_rows, n_rows == 1 ? _("row") : _("rows"));
  for (guint c = 0; c < t->columns->len; c++)
    {
      if (c)
        g_string_append_c (line, ',');
      wf_csv_append_text (line, g_ptr_array_index (t->columns, c));
    }
  g_print ("  %s\n", line->str);
  for (guint r = 0; r < n_rows && r < SHOW_MAX_ROWS; r++)
    {
      JsonNode *row = json_array_get_element (t->rows, r);

      g_string_truncate (line, 0);
      if (JSON_NODE_HOLDS_ARRAY (row))
        for (guint c = 0; c < json_array_get_length (json_node_get_array (row)); c++)
          {
            if (c)
              g_string_append_c (line, ',');
            wf_csv_append_node (line, json_array_get_element (json_node_get_array (row), c));
          }
      g_print ("  %s\n", line->str);
    }
  if (n_rows > SHOW_MAX_ROWS)
    g_print ("  … %u %s\n", n_rows - SHOW_MAX_ROWS, _("more rows (use export)"));
}

int
wf_cli_show (int    argc,
             char **argv)
{
  WfCliCommon common = { 0 };
  gboolean markdown = FALSE;
  const GOptionEntry entries[] = {
    { "markdown", 0, 0, G_OPTION_ARG_NONE, &markdown, N_("Print the run as a Markdown report"), NULL },
    { NULL }
  };
  g_autoptr(WfStore) store = NULL;
  g_autoptr(WfRun) run = NULL;
  g_autoptr(GError) error = NULL;
  gint64 run_id;
  int ret;

  if (!wf_cli_parse (&argc, &argv, "show", "RUN_ID",
                     _("Show one run: question, answer, results, code and cost."), entries, &common))
    return WF_CLI_EXIT_USAGE;
  if (argc != 2 || !wf_cli_parse_id (argv[1], &run_id))
    {
      ret = wf_cli_fail (&common, "show", WF_CLI_EXIT_USAGE, "%s",
                         argc < 2 ? _("a RUN_ID is needed") : argc > 2 ? _("only one RUN_ID") : _("RUN_ID must be a positive number"));
      wf_cli_common_clear (&common);
      return ret;
    }

  store = wf_cli_open_store (&common);
  if (store == NULL)
    {
      wf_cli_common_clear (&common);
      return WF_CLI_EXIT_FAILED;
    }
  run = wf_store_load_run (store, run_id, &error);
  if (run == NULL)
    {
      ret = wf_cli_fail (&common, "show", WF_CLI_EXIT_FAILED, "%s", error->message);
      wf_cli_common_clear (&common);
      return ret;
    }

  if (common.json)
    {
      g_autoptr(JsonNode) node = wf_csv_run_to_json (run);
      wf_cli_print_json (node);
    }
  else if (markdown)
    {
      g_autofree char *md = wf_csv_run_to_markdown (run);
      fputs (md, stdout);
    }
  else
    {
      g_autofree char *when = wf_cli_format_time (run->created_us);
      g_autofree char *cost = wf_cli_format_usd (run->total_micros);

      g_print (_("Run %" PRId64 " (session %" PRId64 "), %s, %s, %s\n"),
               run->id, run->session_id, when, wf_mode_to_string (run->mode),
               wf_outcome_to_string (run->outcome));
      g_print ("%s %s\n", _("Question:"), run->question ? run->question : "");
      if (run->answer || run->message)
        g_print ("%s %s\n", _("Answer:"), run->answer ? run->answer : run->message);
      if (run->result != NULL)
        {
          for (guint i = 0; i < run->result->params->len; i++)
            {
              const WfParam *p = g_ptr_array_index (run->result->params, i);
              g_autoptr(GString) v = g_string_new (NULL);
              wf_csv_append_number (v, p->value);
              g_print ("%s %s = %s (%s)\n", _("Assumption:"), p->label, v->str, p->kind);
            }
          for (guint i = 0; i < run->result->metrics->len; i++)
            {
              const WfMetric *m = g_ptr_array_index (run->result->metrics, i);
              g_autoptr(GString) v = g_string_new (NULL);
              wf_csv_append_number (v, m->value);
              g_print ("%s %s = %s%s%s\n", _("Metric:"), m->name, v->len ? v->str : "—",
                       m->unit ? " " : "", m->unit ? m->unit : "");
            }
          for (guint i = 0; i < run->result->tables->len; i++)
            print_table (g_ptr_array_index (run->result->tables, i));
        }
      if (run->code)
        g_print ("\n%s (%s)\n%s\n", _("Code"), run->language ? run->language : "?", run->code);
      g_print ("\n%s %s%s%s%s\n", _("Cost:"), cost, run->cost_estimated ? _(" (estimated)") : "",
               run->model ? " · " : "", run->model ? run->model : "");
    }

  wf_cli_common_clear (&common);
  return WF_CLI_EXIT_OK;
}

static gboolean
month_window (const char  *month,
              gint64      *since_us,
              gint64      *until_us,
              char       **out_label)
{
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;
  int year, mon;

  if (month == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      year = g_date_time_get_year (now);
      mon = g_date_time_get_month (now);
    }
  else
    {
      char tail;
      if (strlen (month) != 7 || sscanf (month, "%4d-%2d%c", &year, &mon, &tail) != 2 ||
          year < 1970 || year > 9999 || mon < 1 || mon > 12)
        return FALSE;
    }

  start = g_date_time_new_local (year, mon, 1, 0, 0, 0);
  if (start == NULL)
    return FALSE;
  end = g_date_time_add_months (start, 1);
  *since_us = g_date_time_to_unix (start) * G_USEC_PER_SEC;
  *until_us = g_date_time_to_unix (end) * G_USEC_PER_SEC;
  *out_label = g_strdup_printf ("%04d-%02d", year, mon);
  return TRUE;
}

static void
add_spend_rows (JsonBuilder *b,
                const char  *name,
                GPtrArray   *rows)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; i < rows->len; i++)
    {
      const WfSpendRow *r = g_ptr_array_index (rows, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, r->key);
      json_builder_set_member_name (b, "micros");
      json_builder_add_int_value (b, r->micros);
      json_builder_set_member_name (b, "usd");
      json_builder_add_double_value (b, wf_micros_to_usd (r->micros));
      json_builder_set_member_name (b, "n");
      json_builder_add_int_value (b, r->n_entries);
      json_builder_set_member_name (b, "estimated_micros");
      json_builder_add_int_value (b, r->estimated_micros);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

int
wf_cli_spend (int    argc,
              char **argv)
{
  WfCliCommon common = { 0 };
  g_autofree char *month = NULL;
  const GOptionEntry entries[] = {
    { "month", 0, 0, G_OPTION_ARG_STRING, &month, N_("The month to report (default: this one)"), N_("YYYY-MM") },
    { NULL }
  };
  g_autoptr(WfStore) store = NULL;
  g_autoptr(GPtrArray) by_day = NULL;
  g_autoptr(GPtrArray) by_model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  WfSpendTotals totals;
  WfBudgetLimits limits;
  gint64 since_us, until_us;
  int ret;

  if (!wf_cli_parse (&argc, &argv, "spend", NULL,
                     _("Spend in one month, by day and by model."), entries, &common))
    return WF_CLI_EXIT_USAGE;
  if (argc > 1 || !month_window (month, &since_us, &until_us, &label))
    {
      ret = wf_cli_fail (&common, "spend", WF_CLI_EXIT_USAGE, "%s",
                         argc > 1 ? _("unexpected argument") : _("--month must look like 2025-03"));
      wf_cli_common_clear (&common);
      return ret;
    }

  store = wf_cli_open_store (&common);
  if (store == NULL)
    {
      wf_cli_common_clear (&common);
      return WF_CLI_EXIT_FAILED;
    }

  if (!wf_store_ledger_totals (store, since_us, until_us, 0, g_get_real_time (), &totals, &error) ||
      (by_day = wf_store_spend_report (store, WF_SPEND_BY_DAY, since_us, until_us, &error)) == NULL ||
      (by_model = wf_store_spend_report (store, WF_SPEND_BY_MODEL, since_us, until_us, &error)) == NULL ||
      !wf_store_get_budget_limits (store, &limits, &error))
    {
      ret = wf_cli_fail (&common, "spend", WF_CLI_EXIT_FAILED, "%s", error->message);
      wf_cli_common_clear (&common);
      return ret;
    }

  if (common.json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "month");
      json_builder_add_string_value (b, label);
      json_builder_set_member_name (b, "since_us");
      json_builder_add_int_value (b, since_us);
      json_builder_set_member_name (b, "until_us");
      json_builder_add_int_value (b, until_us);
      json_builder_set_member_name (b, "settled_micros");
      json_builder_add_int_value (b, totals.settled_micros);
      json_builder_set_member_name (b, "settled_usd");
      json_builder_add_double_value (b, wf_micros_to_usd (totals.settled_micros));
      json_builder_set_member_name (b, "reserved_micros");
      json_builder_add_int_value (b, totals.reserved_micros);
      json_builder_set_member_name (b, "n_settled");
      json_builder_add_int_value (b, totals.n_settled);
      json_builder_set_member_name (b, "n_estimated");
      json_builder_add_int_value (b, totals.n_estimated);
      json_builder_set_member_name (b, "monthly_limit_micros");
      if (limits.monthly_micros >= 0)
        json_builder_add_int_value (b, limits.monthly_micros);
      else
        json_builder_add_null_value (b);
      add_spend_rows (b, "by_day", by_day);
      add_spend_rows (b, "by_model", by_model);
      json_builder_end_object (b);
      wf_cli_print_builder (b);
    }
  else
    {
      g_autofree char *settled = wf_cli_format_usd (totals.settled_micros);
      g_autofree char *reserved = wf_cli_format_usd (totals.reserved_micros);

      g_print (_("Spend in %s: %s in %u runs"), label, settled, totals.n_settled);
      if (totals.n_estimated > 0)
        g_print (_(" (%u estimated)"), totals.n_estimated);
      if (limits.monthly_micros >= 0)
        {
          g_autofree char *lim = wf_cli_format_usd (limits.monthly_micros);
          g_print (_(" of a %s monthly limit"), lim);
        }
      g_print ("\n");
      if (totals.reserved_micros > 0)
        g_print (_("Reserved by runs in progress: %s\n"), reserved);
      if (by_day->len > 0)
        g_print ("\n%s\n", _("By day:"));
      for (guint i = 0; i < by_day->len; i++)
        {
          const WfSpendRow *r = g_ptr_array_index (by_day, i);
          g_autofree char *v = wf_cli_format_usd (r->micros);
          g_print ("  %s  %10s  %u\n", r->key, v, r->n_entries);
        }
      if (by_model->len > 0)
        g_print ("\n%s\n", _("By model:"));
      for (guint i = 0; i < by_model->len; i++)
        {
          const WfSpendRow *r = g_ptr_array_index (by_model, i);
          g_autofree char *v = wf_cli_format_usd (r->micros);
          g_print ("  %-40s  %10s  %u\n", *r->key ? r->key : _("(none)"), v, r->n_entries);
        }
    }

  wf_cli_common_clear (&common);
  return WF_CLI_EXIT_OK;
}

int
wf_cli_export (int    argc,
               char **argv)
{
  WfCliCommon common = { 0 };
  g_autofree char *csv = NULL;
  g_autofree char *markdown = NULL;
  g_autofree char *json_file = NULL;
  g_autofree char *table = NULL;
  g_autofree char *session_dir = NULL;
  gboolean bom = FALSE;
  const GOptionEntry entries[] = {
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, N_("Write the run’s tables as CSV to FILE"), N_("FILE") },
    { "table", 0, 0, G_OPTION_ARG_STRING, &table, N_("Only this table (“metrics” for the metric list)"), N_("NAME") },
    { "bom", 0, 0, G_OPTION_ARG_NONE, &bom, N_("Start the CSV with a byte order mark, for Excel"), NULL },
    { "markdown", 0, 0, G_OPTION_ARG_FILENAME, &markdown, N_("Write a Markdown report of the run to FILE"), N_("FILE") },
    { "json-file", 0, 0, G_OPTION_ARG_FILENAME, &json_file, N_("Write the run as JSON to FILE"), N_("FILE") },
    { "session-dir", 0, 0, G_OPTION_ARG_FILENAME, &session_dir, N_("Export the run’s whole session as CSV files into DIR"), N_("DIR") },
    { NULL }
  };
  g_autoptr(WfStore) store = NULL;
  g_autoptr(WfRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  WfCsvFlags flags;
  gint64 run_id;
  int ret;

  if (!wf_cli_parse (&argc, &argv, "export", "RUN_ID",
                     _("Export a run’s tables as CSV (RFC 4180, UTF-8, “.” decimals; cells a "
                       "spreadsheet would run as formulas are escaped). Without --table every "
                       "table is written, each headed by its name."), entries, &common))
    return WF_CLI_EXIT_USAGE;
  if (argc != 2 || !wf_cli_parse_id (argv[1], &run_id) ||
      (csv == NULL && markdown == NULL && json_file == NULL && session_dir == NULL))
    {
      ret = wf_cli_fail (&common, "export", WF_CLI_EXIT_USAGE, "%s",
                         argc < 2 ? _("a RUN_ID is needed") :
                         argc > 2 ? _("only one RUN_ID") :
                         !wf_cli_parse_id (argv[1], &run_id) ? _("RUN_ID must be a positive number") :
                         _("say where to write: --csv FILE, --markdown FILE, --json-file FILE or --session-dir DIR"));
      wf_cli_common_clear (&common);
      return ret;
    }
  flags = bom ? WF_CSV_FLAGS_BOM : WF_CSV_FLAGS_NONE;

  store = wf_cli_open_store (&common);
  if (store == NULL)
    {
      wf_cli_common_clear (&common);
      return WF_CLI_EXIT_FAILED;
    }
  run = wf_store_load_run (store, run_id, &error);

  /* "--csv -" writes the CSV to standard output, for pipes; the JSON
   * report would then mix with it, so the two exclude each other. */
  if (run != NULL && g_strcmp0 (csv, "-") == 0)
    {
      g_autofree char *text = NULL;

      if (common.json)
        {
          ret = wf_cli_fail (&common, "export", WF_CLI_EXIT_USAGE, "%s",
                             _("--csv - (standard output) cannot be combined with --json"));
          wf_cli_common_clear (&common);
          return ret;
        }
      text = wf_csv_run_to_string (run, table, flags, &error);
      if (text != NULL)
        {
          fputs (text, stdout);
          fflush (stdout);
          g_ptr_array_add (written, g_strdup (_("standard output")));
        }
      else
        g_clear_pointer (&run, wf_run_free);
    }
  else if (run != NULL && csv != NULL)
    {
      if (wf_csv_export_run (run, table, csv, flags, &error))
        g_ptr_array_add (written, g_strdup (csv));
      else
        g_clear_pointer (&run, wf_run_free);
    }
  if (run != NULL && markdown != NULL)
    {
      g_autofree char *md = wf_csv_run_to_markdown (run);
      if (g_file_set_contents_full (markdown, md, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error))
        g_ptr_array_add (written, g_strdup (markdown));
      else
        g_clear_pointer (&run, wf_run_free);
    }
  if (run != NULL && json_file != NULL)
    {
      g_autoptr(JsonNode) node = wf_csv_run_to_json (run);
      g_autofree char *text = json_to_string (node, TRUE);
      if (g_file_set_contents_full (json_file, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error))
        g_ptr_array_add (written, g_strdup (json_file));
      else
        g_clear_pointer (&run, wf_run_free);
    }
  if (run != NULL && session_dir != NULL)
    {
      if (wf_csv_export_session (store, run->session_id, session_dir, flags, &error))
        g_ptr_array_add (written, g_strdup (session_dir));
      else
        g_clear_pointer (&run, wf_run_free);
    }

  if (run == NULL)
    {
      ret = wf_cli_fail (&common, "export", WF_CLI_EXIT_FAILED, "%s", error->message);
      wf_cli_common_clear (&common);
      return ret;
    }

  if (common.json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_set_member_name (b, "run_id");
      json_builder_add_int_value (b, run->id);
      json_builder_set_member_name (b, "written");
      json_builder_begin_array (b);
      for (guint i = 0; i < written->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (written, i));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "tables");
      json_builder_begin_array (b);
      for (guint i = 0; run->result != NULL && i < run->result->tables->len; i++)
        json_builder_add_string_value (b, ((WfTable *) g_ptr_array_index (run->result->tables, i))->name);
      json_builder_end_array (b);
      json_builder_end_object (b);
      wf_cli_print_builder (b);
    }
  else if (g_strcmp0 (csv, "-") != 0)
    for (guint i = 0; i < written->len; i++)
      g_print (_("Wrote %s\n"), (const char *) g_ptr_array_index (written, i));

  wf_cli_common_clear (&common);
  return WF_CLI_EXIT_OK;
}
