/* test-runner-protocol.c: the C parser of the runner protocol, fed hostile input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "wf-runner-protocol.h"

#define DONE_OK "{\"type\":\"done\",\"status\":\"ok\",\"exit_code\":0,\"wall_ms\":12,\"cpu_ms\":10,\"peak_rss_kb\":5000,\"limits_hit\":[]}\n"

static gboolean
feed_all (WfRunResult  *result,
          const char   *text,
          gint64        table_rows,
          GError      **error)
{
  g_autoptr(WfRunnerParser) parser = wf_runner_parser_new (result, table_rows, NULL, NULL);

  if (!wf_runner_parser_feed (parser, text, strlen (text), error))
    return FALSE;
  return wf_runner_parser_finish (parser, error);
}

static void
test_valid_stream (void)
{
  g_autoptr(WfRunResult) r = wf_run_result_new ();
  g_autoptr(GError) error = NULL;
  const char *text =
    "{\"type\":\"table\",\"name\":\"t\",\"columns\":[\"a\",\"b\"],\"rows\":[[1,\"x\"],[null,true]],\"truncated\":false}\n"
    "{\"type\":\"metric\",\"name\":\"m\",\"value\":1.5,\"unit\":\"USD\"}\n"
    "{\"type\":\"metric\",\"name\":\"n\",\"value\":null,\"unit\":null}\n"
    "{\"type\":\"param\",\"label\":\"Rate\",\"value\":7.5,\"kind\":\"percent\",\"min\":0,\"max\":30,\"step\":null}\n"
    "{\"type\":\"chart\",\"kind\":\"bar\",\"title\":\"c\",\"x\":[\"a\",\"b\"],\"series\":[{\"name\":\"s\",\"values\":[1,null]}]}\n"
    "{\"type\":\"log\",\"level\":\"info\",\"message\":\"hello\"}\n"
    "{\"type\":\"progress\",\"fraction\":0.5,\"message\":\"half\"}\n"
    "{\"type\":\"log\",\"level\":\"error\",\"message\":\"MemoryError: \",\"limit\":\"memory\"}\n"
    "{\"type\":\"done\",\"status\":\"error\",\"exit_code\":1,\"wall_ms\":12,\"cpu_ms\":10,\"peak_rss_kb\":5000,\"limits_hit\":[\"cpu\"]}\n";

  g_assert_true (feed_all (r, text, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r->tables->len, ==, 1);
  g_assert_cmpuint (r->metrics->len, ==, 2);
  g_assert_true (isnan (((WfMetric *) g_ptr_array_index (r->metrics, 1))->value));
  g_assert_cmpuint (r->params->len, ==, 1);
  g_assert_cmpuint (r->charts->len, ==, 1);
  g_assert_cmpuint (r->logs->len, ==, 1);
  g_assert_cmpstr (r->error_message, ==, "MemoryError: ");
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_ERROR);
  g_assert_cmpint (r->exit_code, ==, 1);
  g_assert_cmpint (r->wall_ms, ==, 12);
  g_assert_cmpint (r->peak_rss_kb, ==, 5000);
  g_assert_cmpuint (r->limits_hit->len, ==, 2);
}

static void
test_split_reads (void)
{
  g_autoptr(WfRunResult) r = wf_run_result_new ();
  g_autoptr(WfRunnerParser) parser = wf_runner_parser_new (r, 0, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strconcat ("{\"type\":\"metric\",\"name\":\"€\",\"value\":2}\n", DONE_OK, NULL);

  /* One byte at a time, splitting the multi-byte character too. */
  for (gsize i = 0; text[i]; i++)
    g_assert_true (wf_runner_parser_feed (parser, text + i, 1, &error));
  g_assert_true (wf_runner_parser_finish (parser, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (((WfMetric *) g_ptr_array_index (r->metrics, 0))->name, ==, "€");
}

typedef struct
{
  const char *path;
  const char *text;
  int         code;
} Bad;

static const Bad bad_streams[] = {
  { "/protocol/bad/not-json", "hello\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/array", "[1,2]\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/no-type", "{\"name\":\"x\"}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/unknown-type", "{\"type\":\"exec\"}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/invalid-utf8", "{\"type\":\"log\",\"level\":\"info\",\"message\":\"\xff\xfe\"}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/no-done", "{\"type\":\"metric\",\"name\":\"m\",\"value\":1}\n", WF_RUNNER_PROTOCOL_ERROR_ORDER },
  { "/protocol/bad/empty", "", WF_RUNNER_PROTOCOL_ERROR_ORDER },
  { "/protocol/bad/after-done", DONE_OK "{\"type\":\"metric\",\"name\":\"m\",\"value\":1}\n", WF_RUNNER_PROTOCOL_ERROR_ORDER },
  { "/protocol/bad/two-dones", DONE_OK DONE_OK, WF_RUNNER_PROTOCOL_ERROR_ORDER },
  { "/protocol/bad/cut-off", DONE_OK "{\"type\":\"met", WF_RUNNER_PROTOCOL_ERROR_ORDER },
  { "/protocol/bad/cut-off-before-done", "{\"type\":\"met", WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/row-width", "{\"type\":\"table\",\"name\":\"t\",\"columns\":[\"a\"],\"rows\":[[1,2]]}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/nested-cell", "{\"type\":\"table\",\"name\":\"t\",\"columns\":[\"a\"],\"rows\":[[[1]]]}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/row-not-array", "{\"type\":\"table\",\"name\":\"t\",\"columns\":[\"a\"],\"rows\":[{\"a\":1}]}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/column-not-string", "{\"type\":\"table\",\"name\":\"t\",\"columns\":[1],\"rows\":[]}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/table-no-name", "{\"type\":\"table\",\"columns\":[],\"rows\":[]}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/metric-string", "{\"type\":\"metric\",\"name\":\"m\",\"value\":\"1e999\"}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/metric-no-name", "{\"type\":\"metric\",\"value\":1}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/param-kind", "{\"type\":\"param\",\"label\":\"x\",\"value\":1,\"kind\":\"bitcoin\"}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/chart-kind", "{\"type\":\"chart\",\"kind\":\"pie\",\"title\":\"t\",\"x\":[],\"series\":[]}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/chart-series", "{\"type\":\"chart\",\"kind\":\"bar\",\"title\":\"t\",\"x\":[],\"series\":[1]}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/done-status", "{\"type\":\"done\",\"status\":\"great\",\"exit_code\":0,\"wall_ms\":1,\"cpu_ms\":1,\"peak_rss_kb\":1}\n", WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/done-negative", "{\"type\":\"done\",\"status\":\"ok\",\"exit_code\":0,\"wall_ms\":-1,\"cpu_ms\":1,\"peak_rss_kb\":1}\n", WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/done-float", "{\"type\":\"done\",\"status\":\"ok\",\"exit_code\":0.5,\"wall_ms\":1,\"cpu_ms\":1,\"peak_rss_kb\":1}\n", WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/done-missing", "{\"type\":\"done\",\"status\":\"ok\"}\n", WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/done-limit-name", "{\"type\":\"done\",\"status\":\"ok\",\"exit_code\":0,\"wall_ms\":1,\"cpu_ms\":1,\"peak_rss_kb\":1,\"limits_hit\":[\"rm -rf\"]}\n", WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/log-level", "{\"type\":\"log\",\"level\":\"root\",\"message\":\"x\"}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/progress-range", "{\"type\":\"progress\",\"fraction\":7}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/verdict-twice", "{\"type\":\"verdict\",\"verdict\":\"allow\"}\n{\"type\":\"verdict\",\"verdict\":\"allow\"}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_ORDER },
  { "/protocol/bad/verdict-value", "{\"type\":\"verdict\",\"verdict\":\"maybe\"}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/verdict-object", "{\"type\":\"verdict\",\"verdict\":{\"allowed\":true}}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/log-no-level", "{\"type\":\"log\",\"message\":\"x\"}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/error-type", "{\"type\":\"error\",\"message\":\"x\"}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/empty-line", "\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/done-error-type", "{\"type\":\"done\",\"status\":\"ok\",\"exit_code\":0,\"wall_ms\":1,\"cpu_ms\":1,\"peak_rss_kb\":1,\"error\":[1]}\n", WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/done-truncated-type", "{\"type\":\"done\",\"status\":\"ok\",\"exit_code\":0,\"wall_ms\":1,\"cpu_ms\":1,\"peak_rss_kb\":1,\"truncated\":1}\n", WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/done-truncated-flag", "{\"type\":\"done\",\"status\":\"ok\",\"exit_code\":0,\"wall_ms\":1,\"cpu_ms\":1,\"peak_rss_kb\":1,\"truncated\":{\"stdout\":\"yes\"}}\n", WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/table-columns-string", "{\"type\":\"table\",\"name\":\"t\",\"columns\":\"a\",\"rows\":[]}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
  { "/protocol/bad/param-no-label", "{\"type\":\"param\",\"value\":1,\"kind\":\"number\"}\n" DONE_OK, WF_RUNNER_PROTOCOL_ERROR_MALFORMED },
};

static void
test_bad_stream (gconstpointer data)
{
  const Bad *b = data;
  g_autoptr(WfRunResult) r = wf_run_result_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (feed_all (r, b->text, 0, &error));
  g_assert_error (error, WF_RUNNER_PROTOCOL_ERROR, b->code);
  g_assert_nonnull (error->message);
}

static void
test_rows_over_limit (void)
{
  g_autoptr(WfRunResult) r = wf_run_result_new ();
  g_autoptr(GError) error = NULL;
  const char *text = "{\"type\":\"table\",\"name\":\"t\",\"columns\":[\"a\"],\"rows\":[[1],[2],[3]]}\n" DONE_OK;

  /* The runner is told 2 rows; a table with 3 is a lie, whatever it claims. */
  g_assert_false (feed_all (r, text, 2, &error));
  g_assert_error (error, WF_RUNNER_PROTOCOL_ERROR, WF_RUNNER_PROTOCOL_ERROR_OVERSIZED);
}

static void
test_too_many_metrics (void)
{
  g_autoptr(WfRunResult) r = wf_run_result_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  for (int i = 0; i <= WF_RUNNER_MAX_METRICS; i++)
    g_string_append_printf (text, "{\"type\":\"metric\",\"name\":\"m%d\",\"value\":%d}\n", i, i);
  g_string_append (text, DONE_OK);
  g_assert_false (feed_all (r, text->str, 0, &error));
  g_assert_error (error, WF_RUNNER_PROTOCOL_ERROR, WF_RUNNER_PROTOCOL_ERROR_OVERSIZED);
}

static void
test_oversized_line (void)
{
  g_autoptr(WfRunResult) r = wf_run_result_new ();
  g_autoptr(WfRunnerParser) parser = wf_runner_parser_new (r, 0, NULL, NULL);
  g_autoptr(GError) error = NULL;
  gsize chunk = 1024 * 1024;
  g_autofree char *buf = g_malloc (chunk);
  gboolean ok = TRUE;

  memset (buf, ' ', chunk);
  /* A line that never ends is refused once it passes the bound, without
   * buffering the whole stream. */
  for (gsize sent = 0; ok && sent <= WF_RUNNER_MAX_LINE + chunk; sent += chunk)
    ok = wf_runner_parser_feed (parser, buf, chunk, &error);
  g_assert_false (ok);
  g_assert_error (error, WF_RUNNER_PROTOCOL_ERROR, WF_RUNNER_PROTOCOL_ERROR_OVERSIZED);
  g_clear_error (&error);
  /* A failed parser stays failed. */
  g_assert_false (wf_runner_parser_feed (parser, DONE_OK, strlen (DONE_OK), &error));
  g_assert_nonnull (error);
}

static void
test_done_extras (void)
{
  g_autoptr(WfRunResult) r = wf_run_result_new ();
  g_autoptr(GString) long_error = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* The optional members of done: an error (bounded, whole characters
   * only) and the truncation flags. */
  while (long_error->len < WF_RUNNER_MAX_TEXT + 10)
    g_string_append (long_error, "é");
  text = g_strdup_printf ("{\"type\":\"done\",\"status\":\"error\",\"exit_code\":1,\"wall_ms\":1,\"cpu_ms\":1,"
                          "\"peak_rss_kb\":1,\"truncated\":{\"stdout\":true,\"tables\":false},\"error\":\"%s\"}\n",
                          long_error->str);
  g_assert_true (feed_all (r, text, 0, &error));
  g_assert_no_error (error);
  g_assert_true (r->stdout_truncated);
  g_assert_false (r->stderr_truncated);
  g_assert_false (r->tables_truncated);
  g_assert_cmpuint (strlen (r->error_message), <=, WF_RUNNER_MAX_TEXT);
  g_assert_cmpuint (strlen (r->error_message), >=, WF_RUNNER_MAX_TEXT - 1);
  g_assert_true (g_utf8_validate (r->error_message, -1, NULL));
  g_assert_null (strstr (r->error_message, "\xef\xbf\xbd"));   /* no U+FFFD from a cut character */
}

static void
test_end_without_done (void)
{
  g_autoptr(WfRunResult) r = wf_run_result_new ();
  g_autoptr(WfRunnerParser) parser = wf_runner_parser_new (r, 0, NULL, NULL);
  g_autoptr(WfRunnerParser) cut = wf_runner_parser_new (r, 0, NULL, NULL);
  g_autoptr(GError) error = NULL;
  const char *metric = "{\"type\":\"metric\",\"name\":\"m\",\"value\":1}\n";

  /* end: no done is the caller's to judge; finish: no done is an error. */
  g_assert_true (wf_runner_parser_feed (parser, metric, strlen (metric), &error));
  g_assert_true (wf_runner_parser_end (parser, &error));
  g_assert_no_error (error);
  g_assert_false (wf_runner_parser_finish (parser, &error));
  g_assert_error (error, WF_RUNNER_PROTOCOL_ERROR, WF_RUNNER_PROTOCOL_ERROR_ORDER);
  g_clear_error (&error);
  g_assert_true (wf_runner_parser_feed (cut, metric, 10, &error));
  g_assert_false (wf_runner_parser_end (cut, &error));
  g_assert_error (error, WF_RUNNER_PROTOCOL_ERROR, WF_RUNNER_PROTOCOL_ERROR_MALFORMED);
}

static void
test_verdict (void)
{
  g_autoptr(WfRunResult) r = wf_run_result_new ();
  g_autoptr(GError) error = NULL;
  const char *text = "{\"type\":\"verdict\",\"verdict\":\"block\",\"language\":\"python\",\"rules\":[{\"rule\":\"import\",\"line\":1,\"column\":0,\"message\":\"os\"}]}\n" DONE_OK;

  g_assert_true (feed_all (r, text, 0, &error));
  g_assert_no_error (error);
  g_assert_nonnull (r->verdict_json);
  g_assert_nonnull (strstr (r->verdict_json, "\"block\""));
  g_assert_null (strstr (r->verdict_json, "\"type\""));
}

static void
test_job_json (void)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python", "print('\"é\\n')");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonObject *o;

  wf_job_set_override (job, "Rate", 9.5);
  wf_job_set_override (job, "Bad", NAN);
  text = wf_runner_job_to_json (job);
  g_assert_true (g_str_has_suffix (text, "\n"));
  /* One line: the code's own newlines are escaped. */
  g_assert_true (strchr (text, '\n') == text + strlen (text) - 1);
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (o, "code"), ==, "print('\"é\\n')");
  g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "run");
  g_assert_true (json_object_get_boolean_member (o, "policy"));
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (o, "overrides"), "Rate"), ==, 9.5);
  g_assert_true (json_object_get_null_member (json_object_get_object_member (o, "overrides"), "Bad"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "limits"), "wall_ms"), ==, 30000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/protocol/valid-stream", test_valid_stream);
  g_test_add_func ("/protocol/split-reads", test_split_reads);
  g_test_add_func ("/protocol/verdict", test_verdict);
  g_test_add_func ("/protocol/done-extras", test_done_extras);
  g_test_add_func ("/protocol/end-without-done", test_end_without_done);
  g_test_add_func ("/protocol/job-json", test_job_json);
  g_test_add_func ("/protocol/bad/rows-over-limit", test_rows_over_limit);
  g_test_add_func ("/protocol/bad/too-many-metrics", test_too_many_metrics);
  g_test_add_func ("/protocol/bad/oversized-line", test_oversized_line);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_streams); i++)
    g_test_add_data_func (bad_streams[i].path, &bad_streams[i], test_bad_stream);

  return g_test_run ();
}
