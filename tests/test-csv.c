/* test-csv.c: CSV export, formula guard, Markdown and JSON of a run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>

#include "wf-csv.h"

static char *
cell_text (const char *text)
{
  GString *s = g_string_new (NULL);

  wf_csv_append_text (s, text);
  return g_string_free (s, FALSE);
}

static char *
cell_number (double v)
{
  GString *s = g_string_new (NULL);

  wf_csv_append_number (s, v);
  return g_string_free (s, FALSE);
}

static void
test_quoting (void)
{
  struct { const char *in; const char *out; } cases[] = {
    { "plain", "plain" },
    { "", "" },
    { "a,b", "\"a,b\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "two\nlines", "\"two\nlines\"" },
    { "crlf\r\nend", "\"crlf\r\nend\"" },
    { "\"", "\"\"\"\"" },
    { "café 10 €", "café 10 €" },
    { " spaced ", " spaced " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = cell_text (cases[i].in);
      g_assert_cmpstr (got, ==, cases[i].out);
    }

  /* Invalid UTF-8 never reaches the file. */
  {
    g_autofree char *got = cell_text ("bad \xff\xfe byte");
    g_assert_true (g_utf8_validate (got, -1, NULL));
  }
}

static void
test_formula_guard (void)
{
  struct { const char *in; const char *out; } cases[] = {
    { "=1+2", "'=1+2" },
    { "=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
    { "+1+1", "'+1+1" },
    { "-2+3", "'-2+3" },
    { "@SUM(A1)", "'@SUM(A1)" },
    { "\tcmd", "'\tcmd" },
    { "\r=x", "\"'\r=x\"" },
    { "-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0" },
    /* negative numbers held as text stay numbers */
    { "-12", "-12" },
    { "-12.50", "-12.50" },
    { "-1e-3", "-1e-3" },
    { "-", "'-" },
    { "-.", "'-." },
    { "-1e", "'-1e" },
    { "a=b", "a=b" },
    { "+5", "'+5" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = cell_text (cases[i].in);
      g_assert_cmpstr (got, ==, cases[i].out);
    }
}

static void
test_numbers (void)
{
  struct { double in; const char *out; } cases[] = {
    { 0, "0" },
    { -0.0, "0" },
    { 42, "42" },
    { -42, "-42" },
    { 1.5, "1.5" },
    { -1234.25, "-1234.25" },
    { 0.1, "0.1" },
    { 1e21, "1e+21" },
    { 1.0 / 3.0, "0.33333333333333331" },
    { 9007199254740993.0, "9007199254740992" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = cell_number (cases[i].in);
      g_assert_cmpstr (got, ==, cases[i].out);
      /* and it reads back as the same double */
      g_assert_cmpfloat (g_ascii_strtod (got, NULL), ==, cases[i].in);
    }

  /* Non-finite values become empty cells, never "nan" or "inf". */
  {
    g_autofree char *a = cell_number (NAN);
    g_autofree char *b = cell_number (INFINITY);
    g_autofree char *c = cell_number (-INFINITY);
    g_assert_cmpstr (a, ==, "");
    g_assert_cmpstr (b, ==, "");
    g_assert_cmpstr (c, ==, "");
  }

  /* Locale-independent: a comma-decimal locale changes nothing. */
  if (setlocale (LC_NUMERIC, "de_DE.UTF-8") != NULL || setlocale (LC_NUMERIC, "fr_FR.UTF-8") != NULL)
    {
      g_autofree char *got = cell_number (-1234.25);
      g_assert_cmpstr (got, ==, "-1234.25");
      setlocale (LC_NUMERIC, "C");
    }
  else
    g_test_message ("no comma-decimal locale installed; printf is bypassed anyway");
}

static WfTable *
sample_table (void)
{
  WfTable *t = wf_table_new ("cash flow");
  JsonArray *row;

  g_ptr_array_add (t->columns, g_strdup ("month"));
  g_ptr_array_add (t->columns, g_strdup ("net, USD"));
  g_ptr_array_add (t->columns, g_strdup ("note"));
  g_ptr_array_add (t->columns, g_strdup ("ok"));

  row = json_array_new ();
  json_array_add_string_element (row, "2025-01");
  json_array_add_double_element (row, -1500.75);
  json_array_add_string_element (row, "=cmd()");
  json_array_add_boolean_element (row, TRUE);
  json_array_add_array_element (t->rows, row);

  row = json_array_new ();
  json_array_add_int_element (row, 202502);
  json_array_add_null_element (row);
  json_array_add_string_element (row, "line 1\nline \"2\"");
  json_array_add_boolean_element (row, FALSE);
  json_array_add_array_element (t->rows, row);

  /* a short row is padded to the header's width */
  row = json_array_new ();
  json_array_add_string_element (row, "short");
  json_array_add_array_element (t->rows, row);
  return t;
}

static void
test_table (void)
{
  g_autoptr(WfTable) t = sample_table ();
  g_autofree char *plain = wf_csv_table_to_string (t, WF_CSV_FLAGS_NONE);
  g_autofree char *bom = wf_csv_table_to_string (t, WF_CSV_FLAGS_BOM);
  const char *expected =
    "month,\"net, USD\",note,ok\r\n"
    "2025-01,-1500.75,'=cmd(),true\r\n"
    "202502,,\"line 1\nline \"\"2\"\"\",false\r\n"
    "short,,,\r\n";

  g_assert_cmpstr (plain, ==, expected);
  g_assert_true (g_str_has_prefix (bom, "\xEF\xBB\xBF"));
  g_assert_cmpstr (bom + 3, ==, expected);
}

static WfRun *
sample_run (void)
{
  WfRun *run = wf_run_new ();

  run->id = 7;
  run->session_id = 3;
  run->question = g_strdup ("What if | rent goes up?");
  run->answer = g_strdup ("You *still* break even.");
  run->code = g_strdup ("x = '```'\nprint(x)\n");
  run->language = g_strdup ("python");
  run->model = g_strdup ("offline/templates");
  run->total_micros = 2500;
  run->created_us = G_GINT64_CONSTANT (1700000000000000);
  run->verdict_json = g_strdup ("{\"allowed\":true}");
  run->result = wf_run_result_new ();
  g_ptr_array_add (run->result->tables, sample_table ());
  g_ptr_array_add (run->result->tables, wf_table_new ("empty"));
  g_ptr_array_add (run->result->metrics, wf_metric_new ("break_even", -3.5, "months"));
  g_ptr_array_add (run->result->metrics, wf_metric_new ("ratio", NAN, NULL));
  g_ptr_array_add (run->result->params, wf_param_new ("Rent increase", "percent", 5));
  /* a span with no provider or model (the sandbox stage) */
  g_ptr_array_add (run->spans, wf_cost_span_new ("execute"));
  ((WfCostSpan *) g_ptr_array_index (run->spans, 0))->sandbox_micros = 500;
  g_ptr_array_add (run->spans, wf_cost_span_new ("generate"));
  ((WfCostSpan *) g_ptr_array_index (run->spans, 1))->llm_micros = 2000;
  return run;
}

static void
test_export_run (void)
{
  g_autoptr(WfRun) run = sample_run ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "csv", NULL);
  g_autofree char *one = g_build_filename (dir, "one.csv", NULL);
  g_autofree char *all = g_build_filename (dir, "all.csv", NULL);
  g_autofree char *metrics = g_build_filename (dir, "metrics.csv", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.csv", NULL);
  g_autofree char *bad = g_build_filename (dir, "no", "such", "dir", "x.csv", NULL);
  g_autofree char *text = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);

  g_assert_true (wf_csv_export_run (run, "cash flow", one, WF_CSV_FLAGS_BOM, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (one, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "\xEF\xBB\xBF" "month,\"net, USD\""));
  g_clear_pointer (&text, g_free);

  g_assert_true (wf_csv_export_run (run, NULL, all, WF_CSV_FLAGS_NONE, &error));
  g_assert_true (g_file_get_contents (all, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "cash flow\r\nmonth,"));
  g_assert_nonnull (strstr (text, "\r\n\r\nempty\r\n\r\n"));
  g_clear_pointer (&text, g_free);

  g_assert_true (wf_csv_export_run (run, "metrics", metrics, WF_CSV_FLAGS_NONE, &error));
  g_assert_true (g_file_get_contents (metrics, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "name,value,unit\r\nbreak_even,-3.5,months\r\nratio,,\r\n");

  g_assert_false (wf_csv_export_run (run, "nope", missing, WF_CSV_FLAGS_NONE, &error));
  g_assert_error (error, WF_CSV_ERROR, WF_CSV_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_assert_false (wf_csv_export_run (run, NULL, bad, WF_CSV_FLAGS_NONE, &error));
  g_assert_error (error, WF_CSV_ERROR, WF_CSV_ERROR_IO);
  g_assert_nonnull (strstr (error->message, bad));
  g_clear_error (&error);

  {
    g_autoptr(WfRun) empty = wf_run_new ();
    g_assert_false (wf_csv_export_run (empty, NULL, missing, WF_CSV_FLAGS_NONE, &error));
    g_assert_error (error, WF_CSV_ERROR, WF_CSV_ERROR_EMPTY);
  }
}

static void
test_export_session (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "s", "whatif.db", NULL);
  g_autofree char *folder = g_build_filename (g_get_user_data_dir (), "for-accountant", NULL);
  g_autofree char *summary_path = g_build_filename (folder, "summary.csv", NULL);
  g_autoptr(WfStore) store = wf_store_open (path, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRun) a = sample_run ();
  g_autoptr(WfRun) b = sample_run ();
  g_autofree char *summary = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *t1 = NULL;
  g_autofree char *m1 = NULL;
  g_autofree char *content = NULL;
  g_autofree char *first = NULL;

  g_assert_nonnull (store);
  a->id = b->id = 0;
  a->session_id = b->session_id = 0;
  g_free (b->question);
  b->question = g_strdup ("=2+2 second");
  b->total_micros = 1500000;
  g_assert_true (wf_store_save_run (store, a, NULL, &error));
  b->session_id = a->session_id;
  g_assert_true (wf_store_save_run (store, b, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (wf_csv_export_session (store, a->session_id, folder, WF_CSV_FLAGS_NONE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (summary_path, &summary, NULL, NULL));
  lines = g_strsplit (summary, "\r\n", -1);
  /* header, two runs, total, trailing empty */
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  g_assert_true (g_str_has_prefix (lines[0], "run_id,time,mode,outcome,question"));
  first = g_strdup_printf ("%" G_GINT64_FORMAT ",", a->id);
  g_assert_true (g_str_has_prefix (lines[1], first));
  g_assert_nonnull (strstr (lines[2], ",'=2+2 second,"));
  g_assert_nonnull (strstr (lines[3], "Total"));
  /* total: model 2 × 0.002, sandbox 2 × 0.0005, billed 0.0025 + 1.5 */
  g_assert_true (g_str_has_suffix (lines[3], ",0.004,0.001,1.5025,,"));
  g_assert_nonnull (strstr (lines[1], ",0.002,0.0005,0.0025,false,"));

  t1 = g_strdup_printf ("%s/run-%" G_GINT64_FORMAT "-1-cash_flow.csv", folder, a->id);
  m1 = g_strdup_printf ("%s/run-%" G_GINT64_FORMAT "-metrics.csv", folder, b->id);
  g_assert_true (g_file_get_contents (t1, &content, NULL, NULL));
  g_assert_true (g_str_has_prefix (content, "month,\"net, USD\",note,ok\r\n"));
  g_assert_true (g_file_test (m1, G_FILE_TEST_EXISTS));

  g_assert_false (wf_csv_export_session (store, 999, folder, WF_CSV_FLAGS_NONE, &error));
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND);
}

static void
test_markdown_json (void)
{
  g_autoptr(WfRun) run = sample_run ();
  g_autofree char *md = wf_csv_run_to_markdown (run);
  g_autoptr(JsonNode) node = wf_csv_run_to_json (run);
  g_autofree char *json = json_to_string (node, FALSE);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;

  g_assert_nonnull (strstr (md, "# Run 7"));
  g_assert_nonnull (strstr (md, "What if \\| rent goes up?"));
  g_assert_nonnull (strstr (md, "You \\*still\\* break even."));
  g_assert_nonnull (strstr (md, "- Rent increase: 5 (percent)"));
  g_assert_nonnull (strstr (md, "- break\\_even: -3.5 months"));
  g_assert_nonnull (strstr (md, "| month | net, USD | note | ok |"));
  /* the code holds ``` so its fence is longer */
  g_assert_nonnull (strstr (md, "````python\n"));
  g_assert_nonnull (strstr (md, "$0.0025"));

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (o, "run_id"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (o, "question"), ==, "What if | rent goes up?");
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (o, "verdict"), "allowed"));
  g_assert_cmpint (json_object_get_int_member (o, "cost_micros"), ==, 2500);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "spans")), ==, 2);
  o = json_object_get_object_member (o, "result");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "tables")), ==, 2);
  /* NaN metric is null, not an invalid JSON token */
  g_assert_true (json_node_is_null (json_object_get_member (
    json_array_get_object_element (json_object_get_array_member (o, "metrics"), 1), "value")));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/csv/quoting", test_quoting);
  g_test_add_func ("/csv/formula-guard", test_formula_guard);
  g_test_add_func ("/csv/numbers", test_numbers);
  g_test_add_func ("/csv/table", test_table);
  g_test_add_func ("/csv/export-run", test_export_run);
  g_test_add_func ("/csv/export-session", test_export_session);
  g_test_add_func ("/csv/markdown-json", test_markdown_json);

  return g_test_run ();
}
