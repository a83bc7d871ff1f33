/* test-types.c: the shared structs and their JSON shapes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "wf-types.h"

static char *
builder_to_string (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
test_enum_strings (void)
{
  WfOutcome outcome;
  WfRunStatus status;
  WfMode mode;

  for (int i = WF_OUTCOME_ANSWERED; i <= WF_OUTCOME_FAILED; i++)
    {
      g_assert_true (wf_outcome_from_string (wf_outcome_to_string (i), &outcome));
      g_assert_cmpint (outcome, ==, i);
    }
  for (int i = WF_RUN_STATUS_OK; i <= WF_RUN_STATUS_BLOCKED; i++)
    {
      g_assert_true (wf_run_status_from_string (wf_run_status_to_string (i), &status));
      g_assert_cmpint (status, ==, i);
    }
  g_assert_true (wf_mode_from_string ("sql", &mode));
  g_assert_cmpint (mode, ==, WF_MODE_SQL);
  g_assert_false (wf_mode_from_string ("SQL; DROP", &mode));
  g_assert_false (wf_outcome_from_string (NULL, &outcome));
  g_assert_cmpstr (wf_outcome_to_string (999), ==, "unknown");
}

static void
test_money (void)
{
  g_assert_cmpint (wf_usd_to_micros (0.00014), ==, 140);
  g_assert_cmpint (wf_usd_to_micros (1.5), ==, 1500000);
  g_assert_cmpint (wf_usd_to_micros (NAN), ==, 0);
  g_assert_cmpint (wf_usd_to_micros (-3), ==, 0);
  g_assert_cmpint (wf_usd_to_micros (INFINITY), ==, 0);
  g_assert_cmpint (wf_usd_to_micros (1e300), ==, G_GINT64_CONSTANT (1000000000000000));
  g_assert_cmpfloat_with_epsilon (wf_micros_to_usd (250000), 0.25, 1e-12);
}

static void
test_non_finite_json (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(WfMetric) metric = wf_metric_new ("irr", INFINITY, "ratio");
  g_autofree char *text = NULL;

  g_assert_true (isnan (metric->value));
  wf_metric_to_json (metric, builder);
  text = builder_to_string (builder);
  g_assert_cmpstr (text, ==, "{\"name\":\"irr\",\"value\":null,\"unit\":\"ratio\"}");
}

static void
test_table_round_trip (void)
{
  g_autoptr(WfTable) table = wf_table_new ("schedule");
  g_autoptr(WfTable) back = NULL;
  g_autoptr(WfTable) copy = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *row = json_array_new ();

  g_ptr_array_add (table->columns, g_strdup ("month"));
  g_ptr_array_add (table->columns, g_strdup ("balance"));
  json_array_add_int_element (row, 1);
  json_array_add_double_element (row, 39321.5);
  json_array_add_array_element (table->rows, row);

  copy = wf_table_copy (table);
  wf_table_to_json (copy, builder);
  root = json_builder_get_root (builder);
  back = wf_table_from_json (root, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->name, ==, "schedule");
  g_assert_cmpuint (back->columns->len, ==, 2);
  g_assert_cmpuint (wf_table_get_n_rows (back), ==, 1);
  g_assert_cmpfloat (json_array_get_double_element (json_array_get_array_element (back->rows, 0), 1),
                     ==, 39321.5);
}

static void
test_bad_json_shapes (void)
{
  const char *bad[] = {
    "[]", "{\"columns\":[]}", "{\"columns\":[],\"rows\":[1]}", "\"x\"", "{\"rows\":{}, \"columns\":[]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bad[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(WfTable) table = wf_table_from_json (node, &error);

      g_assert_null (table);
      g_assert_error (error, WF_TYPES_ERROR, WF_TYPES_ERROR_INVALID);
    }

  {
    g_autoptr(JsonNode) node = json_from_string ("{\"kind\":\"line\",\"x\":[1,\"b\",null],"
                                                 "\"series\":[{\"name\":\"s\",\"values\":[1,null,\"z\"]}]}", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(WfChart) chart = wf_chart_from_json (node, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (chart->x->len, ==, 3);
    g_assert_cmpstr (g_ptr_array_index (chart->x, 0), ==, "1");
    g_assert_true (isnan (g_array_index (((WfSeries *) g_ptr_array_index (chart->series, 0))->values, double, 2)));
  }
}

static void
test_run_result_copy (void)
{
  g_autoptr(WfRunResult) result = wf_run_result_new ();
  g_autoptr(WfRunResult) copy = NULL;
  WfParam *param = wf_param_new ("Interest rate", "percent", 7.5);

  param->min = 0;
  param->max = 30;
  g_ptr_array_add (result->params, param);
  g_ptr_array_add (result->metrics, wf_metric_new ("Monthly payment", 801.52, "USD"));
  g_ptr_array_add (result->limits_hit, g_strdup ("wall"));
  result->status = WF_RUN_STATUS_TIMEOUT;

  copy = wf_run_result_copy (result);
  g_assert_cmpint (copy->status, ==, WF_RUN_STATUS_TIMEOUT);
  g_assert_cmpfloat (((WfParam *) g_ptr_array_index (copy->params, 0))->max, ==, 30);
  g_assert_true (isnan (((WfParam *) g_ptr_array_index (copy->params, 0))->step));
  g_assert_cmpstr (g_ptr_array_index (copy->limits_hit, 0), ==, "wall");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/types/enum-strings", test_enum_strings);
  g_test_add_func ("/types/money", test_money);
  g_test_add_func ("/types/non-finite-json", test_non_finite_json);
  g_test_add_func ("/types/table-round-trip", test_table_round_trip);
  g_test_add_func ("/types/bad-json-shapes", test_bad_json_shapes);
  g_test_add_func ("/types/run-result-copy", test_run_result_copy);

  return g_test_run ();
}
