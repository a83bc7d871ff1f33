/* test-result-collector.c: protocol lines into a WfRunResult, with bounds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The collector runs every line through the one protocol parser (its own
 * cases are in test-runner-protocol); here: what the collector adds (shared
 * output cap, ownership, the sandbox error domain) and that the parser's
 * rules hold for the Flatpak and E2B backends too.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "wf-result-collector.h"

static WfResultCollector *
new_collector (void)
{
  WfLimits limits;

  wf_limits_init_defaults (&limits);
  return wf_result_collector_new (&limits, "test");
}

static gboolean
feed (WfResultCollector  *collector,
      const char         *line,
      GError            **error)
{
  return wf_result_collector_feed_line (collector, line, strlen (line), error);
}

static void
test_happy (void)
{
  g_autoptr(WfResultCollector) collector = new_collector ();
  g_autoptr(WfRunResult) result = NULL;
  g_autoptr(GError) error = NULL;
  WfMetric *metric;

  g_assert_true (feed (collector, "{\"type\":\"metric\",\"name\":\"NPV\",\"value\":null,\"unit\":\"USD\"}", &error));
  g_assert_true (feed (collector, "{\"type\":\"param\",\"label\":\"Rate\",\"kind\":\"percent\",\"value\":5,\"min\":0,\"max\":null,\"step\":0.5}", &error));
  g_assert_true (feed (collector, "{\"type\":\"table\",\"name\":\"t\",\"columns\":[\"a\",\"b\"],\"rows\":[[1,\"x\"],[2,null]]}", &error));
  g_assert_true (feed (collector, "{\"type\":\"chart\",\"kind\":\"bar\",\"title\":\"T\",\"x\":[\"a\",1],\"series\":[{\"name\":\"s\",\"values\":[1,null]}]}", &error));
  g_assert_true (feed (collector, "{\"type\":\"log\",\"level\":\"info\",\"message\":\"hello\"}", &error));
  g_assert_true (feed (collector, "{\"type\":\"verdict\",\"verdict\":\"allow\",\"rules\":[]}", &error));
  g_assert_false (wf_result_collector_has_done (collector));
  g_assert_true (feed (collector, "{\"type\":\"done\",\"status\":\"timeout\",\"exit_code\":137,\"wall_ms\":31000,"
                                  "\"cpu_ms\":12,\"peak_rss_kb\":2048,\"limits_hit\":[\"wall\",\"wall\"],"
                                  "\"truncated\":{\"stdout\":true},\"error\":\"too slow\"}", &error));
  g_assert_no_error (error);
  g_assert_true (wf_result_collector_has_done (collector));
  wf_result_collector_add_stdout (collector, "caf\xc3", 4);   /* cut inside a character */

  result = wf_result_collector_finish (collector);
  g_assert_cmpstr (result->backend, ==, "test");
  g_assert_cmpint (result->status, ==, WF_RUN_STATUS_TIMEOUT);
  g_assert_cmpint (result->exit_code, ==, 137);
  g_assert_cmpint (result->wall_ms, ==, 31000);
  g_assert_cmpint (result->peak_rss_kb, ==, 2048);
  g_assert_cmpstr (result->error_message, ==, "too slow");
  g_assert_true (result->stdout_truncated);
  g_assert_false (result->stderr_truncated);
  g_assert_cmpuint (result->limits_hit->len, ==, 1);
  g_assert_true (g_utf8_validate (result->stdout_text, -1, NULL));
  g_assert_true (g_str_has_prefix (result->stdout_text, "caf"));
  metric = g_ptr_array_index (result->metrics, 0);
  g_assert_true (isnan (metric->value));
  g_assert_cmpuint (result->params->len, ==, 1);
  g_assert_cmpuint (result->tables->len, ==, 1);
  g_assert_cmpuint (result->charts->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (result->logs, 0), ==, "hello");
  g_assert_nonnull (strstr (result->verdict_json, "\"verdict\":\"allow\""));
  g_assert_null (strstr (result->verdict_json, "\"type\""));
}

static void
test_malformed (void)
{
  const char *bad[] = {
    "",
    "not json",
    "[1,2]",
    "{\"name\":\"no type\"}",
    "{\"type\":42}",
    "{\"type\":\"launch_missiles\"}",
    "{\"type\":\"metric\",\"value\":1}",
    "{\"type\":\"table\",\"name\":\"t\",\"columns\":[\"a\"],\"rows\":[[1,2]]}",
    "{\"type\":\"table\",\"name\":\"t\",\"columns\":[\"a\"],\"rows\":[1]}",
    "{\"type\":\"table\",\"name\":\"t\",\"columns\":\"a\",\"rows\":[]}",
    "{\"type\":\"chart\",\"kind\":\"line\",\"x\":[],\"series\":[{\"values\":\"x\"}]}",
    "{\"type\":\"param\",\"value\":1}",
    "{\"type\":\"verdict\",\"verdict\":true}",
    "{\"type\":\"verdict\",\"verdict\":{\"allowed\":true}}",
    "{\"type\":\"done\",\"status\":\"splendid\"}",
    "{\"type\":\"done\"}",
    /* Stricter since the two parsers became one: */
    "{\"type\":\"done\",\"status\":\"ok\",\"exit_code\":0}",
    "{\"type\":\"done\",\"status\":\"ok\",\"exit_code\":0.5,\"wall_ms\":1,\"cpu_ms\":1,\"peak_rss_kb\":1}",
    "{\"type\":\"done\",\"status\":\"ok\",\"exit_code\":0,\"wall_ms\":1,\"cpu_ms\":1,\"peak_rss_kb\":1,\"truncated\":true}",
    "{\"type\":\"done\",\"status\":\"ok\",\"exit_code\":0,\"wall_ms\":1,\"cpu_ms\":1,\"peak_rss_kb\":1,\"error\":7}",
    "{\"type\":\"log\",\"message\":\"no level\"}",
    "{\"type\":\"error\",\"message\":\"not a message type\"}",
    "{\"type\":\"progress\",\"fraction\":1.5}",
    "{\"type\":\"table\",\"name\":\"t\",\"columns\":[\"a\"],\"rows\":[[[1]]]}",
    "{\"type\":\"metric\",\"name\":\"m\",\"value\":\"12\"}",
    "{\"type\":\"log\",\"level\":\"info\",\"message\":\"\xff\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(WfResultCollector) collector = new_collector ();
      g_autoptr(GError) error = NULL;
      g_autofree char *shown = g_strescape (bad[i], NULL);   /* TAP wants UTF-8 */

      g_test_message ("line: %s", shown);
      g_assert_false (feed (collector, bad[i], &error));
      g_assert_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL);
    }
}

static void
test_after_done (void)
{
  g_autoptr(WfResultCollector) collector = new_collector ();
  g_autoptr(GError) error = NULL;

  g_assert_true (feed (collector, "{\"type\":\"done\",\"status\":\"ok\",\"exit_code\":0,\"wall_ms\":1,"
                                  "\"cpu_ms\":1,\"peak_rss_kb\":1}", &error));
  g_assert_false (feed (collector, "{\"type\":\"metric\",\"name\":\"late\",\"value\":1}", &error));
  g_assert_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL);
}

static void
test_bounds (void)
{
  g_autoptr(WfResultCollector) collector = NULL;
  g_autoptr(WfResultCollector) tables = NULL;
  g_autoptr(WfRunResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) rows = g_string_new ("{\"type\":\"table\",\"name\":\"big\",\"columns\":[\"i\"],\"rows\":[");
  WfLimits limits;
  guint i;

  wf_limits_init_defaults (&limits);
  limits.table_rows = 10;
  limits.output_bytes = 8;
  collector = wf_result_collector_new (&limits, "test");

  /* The runner cuts its tables at the limit it was given: a longer one is
   * a lie, refused whatever it claims. */
  tables = wf_result_collector_new (&limits, "test");
  for (i = 0; i < 10; i++)
    g_string_append_printf (rows, "%s[%u]", i ? "," : "", i);
  g_assert_true (feed (tables, "{\"type\":\"table\",\"name\":\"fits\",\"columns\":[\"i\"],\"rows\":[[1]],\"truncated\":true}", &error));
  g_assert_no_error (error);
  g_assert_true (feed (tables, (g_string_append (rows, "]}"))->str, &error));
  g_assert_no_error (error);
  g_string_truncate (rows, rows->len - 2);
  g_string_append (rows, ",[10]]}");
  g_assert_false (feed (tables, rows->str, &error));
  g_assert_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_true (wf_result_collector_peek_result (tables)->tables_truncated);

  wf_result_collector_add_stdout (collector, "12345", 5);
  wf_result_collector_add_stderr (collector, "67890", 5);
  wf_result_collector_add_stdout (collector, "x", 1);

  /* A flood of charts is refused past the bound. */
  for (i = 0; i < WF_RUNNER_MAX_CHARTS; i++)
    g_assert_true (feed (collector, "{\"type\":\"chart\",\"kind\":\"line\",\"title\":\"c\",\"x\":[],\"series\":[]}", NULL));
  g_assert_false (feed (collector, "{\"type\":\"chart\",\"kind\":\"line\",\"title\":\"c\",\"x\":[],\"series\":[]}", &error));
  g_assert_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL);

  result = wf_result_collector_finish (collector);
  g_assert_cmpstr (result->stdout_text, ==, "12345");
  g_assert_cmpstr (result->stderr_text, ==, "678");
  g_assert_true (result->stdout_truncated);
  g_assert_true (result->stderr_truncated);
  g_assert_true (g_ptr_array_find_with_equal_func (result->limits_hit, "output", g_str_equal, NULL));
}

static void
test_bytes (void)
{
  g_autoptr(WfResultCollector) collector = new_collector ();
  g_autoptr(WfResultCollector) cut = new_collector ();
  g_autoptr(WfRunResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *text =
    "{\"type\":\"metric\",\"name\":\"€\",\"value\":2}\n"
    "{\"type\":\"done\",\"status\":\"ok\",\"exit_code\":0,\"wall_ms\":1,\"cpu_ms\":1,\"peak_rss_kb\":1}\n";

  /* Bytes as a pipe delivers them, split anywhere (inside "€" too). */
  for (gsize i = 0, n = strlen (text); i < n; i += 3)
    g_assert_true (wf_result_collector_feed (collector, text + i, MIN (3, n - i), &error));
  g_assert_no_error (error);
  g_assert_true (wf_result_collector_end (collector, &error));
  g_assert_true (wf_result_collector_has_done (collector));
  result = wf_result_collector_finish (collector);
  g_assert_cmpstr (((WfMetric *) g_ptr_array_index (result->metrics, 0))->name, ==, "€");

  /* A runner killed mid-message: no done (the backend's to judge) and a
   * message cut off (refused). */
  g_assert_true (wf_result_collector_feed (cut, "{\"type\":\"metric\",\"na", 20, &error));
  g_assert_false (wf_result_collector_has_done (cut));
  g_assert_false (wf_result_collector_end (cut, &error));
  g_assert_error (error, WF_SANDBOX_ERROR, WF_SANDBOX_ERROR_PROTOCOL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/result-collector/happy", test_happy);
  g_test_add_func ("/result-collector/malformed", test_malformed);
  g_test_add_func ("/result-collector/after-done", test_after_done);
  g_test_add_func ("/result-collector/bounds", test_bounds);
  g_test_add_func ("/result-collector/bytes", test_bytes);

  return g_test_run ();
}
