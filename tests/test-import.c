/* test-import.c: CSV import through the real sandbox into a real workbook
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "wf-csv.h"
#include "wf-import.h"
#include "wf-sandbox-test-util.h"
#include "wf-store.h"

static char *tmp_dir;
static guint db_counter;

static WfStore *
new_store (void)
{
  g_autofree char *path = g_strdup_printf ("%s/store-%u.db", tmp_dir, ++db_counter);
  g_autoptr(GError) error = NULL;
  WfStore *store = wf_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

static char *
data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "import", name, NULL);
}

static JsonObject *
expectations (void)
{
  static JsonNode *root;

  if (root == NULL)
    {
      g_autofree char *path = data_path ("expectations.json");
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      json_parser_load_from_file (parser, path, &error);
      g_assert_no_error (error);
      root = json_node_copy (json_parser_get_root (parser));
    }
  return json_node_get_object (root);
}

/* Nothing of a failed import anywhere: no record, no table but the datasets'. */
static void
assert_workbook_matches_store (WfStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = wf_store_list_datasets (store, &error);
  g_auto(GStrv) tables = NULL;

  g_assert_no_error (error);
  tables = wf_store_list_workbook_tables (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (tables), ==, list->len);
  for (guint i = 0; i < list->len; i++)
    {
      WfDataset *d = g_ptr_array_index (list, i);

      g_assert_true (g_strv_contains ((const char * const *) tables, d->table_name));
    }
}

static gboolean
node_equal (JsonNode *a,
            JsonNode *b)
{
  if (JSON_NODE_HOLDS_NULL (a) || JSON_NODE_HOLDS_NULL (b))
    return JSON_NODE_HOLDS_NULL (a) && JSON_NODE_HOLDS_NULL (b);
  if (json_node_get_value_type (a) == G_TYPE_STRING || json_node_get_value_type (b) == G_TYPE_STRING)
    return json_node_get_value_type (a) == json_node_get_value_type (b) &&
           g_str_equal (json_node_get_string (a), json_node_get_string (b));
  if (json_node_get_value_type (a) == G_TYPE_INT64 && json_node_get_value_type (b) == G_TYPE_INT64)
    return json_node_get_int (a) == json_node_get_int (b);
  return fabs (json_node_get_double (a) - json_node_get_double (b)) <= 1e-9 * MAX (1, fabs (json_node_get_double (a)));
}

static char *
node_text (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

static void
check_columns (const WfDataset *d,
               JsonArray       *expected)
{
  g_autoptr(JsonNode) node = json_from_string (d->columns_json, NULL);
  JsonArray *got;

  g_assert_nonnull (node);
  got = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (got), ==, json_array_get_length (expected));
  for (guint i = 0; i < json_array_get_length (got); i++)
    {
      JsonObject *o = json_array_get_object_element (got, i);
      JsonArray *e = json_array_get_array_element (expected, i);

      g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, json_array_get_string_element (e, 0));
      g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, json_array_get_string_element (e, 1));
    }
}

static void
check_first_row (WfStore    *store,
                 const char *name,
                 JsonArray  *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfTable) table = wf_import_preview (store, test_sandbox, name, 5, NULL, &error);
  JsonArray *row;

  g_assert_no_error (error);
  g_assert_nonnull (table);
  g_assert_cmpuint (json_array_get_length (table->rows), >=, 1);
  row = json_array_get_array_element (table->rows, 0);
  g_assert_cmpuint (json_array_get_length (row), ==, table->columns->len);
  for (guint i = 0; i < json_array_get_length (expected); i++)
    {
      JsonNode *want = json_array_get_element (expected, i);
      JsonNode *got = json_array_get_element (row, i);

      if (!node_equal (want, got))
        {
          g_autofree char *w = node_text (want);
          g_autofree char *g = node_text (got);

          g_error ("%s column %u: expected %s, got %s", name, i, w, g);
        }
    }
}

static int
error_code_for (const char *name)
{
  if (g_str_equal (name, "parse"))
    return WF_IMPORT_ERROR_PARSE;
  if (g_str_equal (name, "not_text"))
    return WF_IMPORT_ERROR_NOT_TEXT;
  if (g_str_equal (name, "too_large"))
    return WF_IMPORT_ERROR_TOO_LARGE;
  g_assert_not_reached ();
  return -1;
}

static void
test_corpus (void)
{
  g_autoptr(WfStore) store = NULL;
  JsonObject *exp = expectations ();
  g_autoptr(GList) files = NULL;
  guint n_ok = 0, n_err = 0, index = 0;

  if (!test_sandbox_usable ())
    return;
  store = new_store ();
  files = json_object_get_members (exp);
  g_assert_cmpuint (g_list_length (files), >=, 25);
  for (GList *l = files; l != NULL; l = l->next, index++)
    {
      const char *file = l->data;
      JsonObject *e = json_object_get_object_member (exp, file);
      g_autofree char *path = data_path (file);
      g_autofree char *name = g_strdup_printf ("f%u_%s", index, "set");
      g_autoptr(GError) error = NULL;
      g_autoptr(WfDataset) d = NULL;

      g_test_message ("importing %s", file);
      d = wf_import_csv_sync (store, test_sandbox, path, name, FALSE, NULL, NULL, NULL, &error);
      if (json_object_has_member (e, "error"))
        {
          const char *contains = json_object_get_string_member_with_default (e, "contains", NULL);
          gint64 line = json_object_get_int_member (e, "line");

          g_assert_null (d);
          if (error == NULL || !g_error_matches (error, WF_IMPORT_ERROR,
                                                  error_code_for (json_object_get_string_member (e, "error"))))
            g_error ("%s: expected a %s error, got %s", file, json_object_get_string_member (e, "error"),
                     error ? error->message : "success");
          if (contains != NULL && strstr (error->message, contains) == NULL)
            g_error ("%s: the error “%s” does not say “%s”", file, error->message, contains);
          if (line > 0)
            {
              g_autofree char *needle = g_strdup_printf ("ine %" G_GINT64_FORMAT, line);

              g_assert_nonnull (strstr (error->message, needle));
            }
          n_err++;
        }
      else
        {
          if (error != NULL)
            g_error ("%s: %s", file, error->message);
          g_assert_nonnull (d);
          g_assert_cmpstr (d->file_name, ==, file);
          g_assert_cmpint (d->n_rows, ==, json_object_get_int_member (e, "rows"));
          g_assert_cmpint (d->imported_us, >, 0);
          check_columns (d, json_object_get_array_member (e, "columns"));
          if (json_object_has_member (e, "first"))
            check_first_row (store, name, json_object_get_array_member (e, "first"));
          n_ok++;
        }
      assert_workbook_matches_store (store);
    }
  g_test_message ("%u files imported, %u refused as expected", n_ok, n_err);
  g_assert_cmpuint (n_err, >=, 8);
}

static void
test_names (void)
{
  g_autofree char *a = wf_import_suggest_name ("/x/Sales 2024 (Q1).csv");
  g_autofree char *b = wf_import_suggest_name ("2024.csv");
  g_autofree char *c = wf_import_suggest_name ("---.csv");
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (a, ==, "sales_2024_q1");
  g_assert_cmpstr (b, ==, "data_2024");
  g_assert_cmpstr (c, ==, "data");
  g_assert_true (wf_import_name_is_valid (a, NULL));
  g_assert_false (wf_import_name_is_valid ("Sales", &error));
  g_assert_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_INVALID_NAME);
  g_assert_false (wf_import_name_is_valid ("1abc", NULL));
  g_assert_false (wf_import_name_is_valid ("a\"; DROP TABLE x; --", NULL));
  g_assert_false (wf_import_name_is_valid ("", NULL));
}

static WfTable *
preview_all (WfStore    *store,
             const char *name)
{
  g_autoptr(GError) error = NULL;
  WfTable *t = wf_import_preview (store, test_sandbox, name, 100000, NULL, &error);

  g_assert_no_error (error);
  return t;
}

static void
assert_tables_equal (const WfTable *a,
                     const WfTable *b)
{
  g_assert_cmpuint (a->columns->len, ==, b->columns->len);
  for (guint c = 0; c < a->columns->len; c++)
    g_assert_cmpstr (g_ptr_array_index (a->columns, c), ==, g_ptr_array_index (b->columns, c));
  g_assert_cmpuint (json_array_get_length (a->rows), ==, json_array_get_length (b->rows));
  for (guint r = 0; r < json_array_get_length (a->rows); r++)
    {
      JsonArray *ra = json_array_get_array_element (a->rows, r);
      JsonArray *rb = json_array_get_array_element (b->rows, r);

      for (guint c = 0; c < a->columns->len; c++)
        if (!node_equal (json_array_get_element (ra, c), json_array_get_element (rb, c)))
          {
            g_autofree char *x = node_text (json_array_get_element (ra, c));
            g_autofree char *y = node_text (json_array_get_element (rb, c));

            g_error ("row %u column %u: %s != %s", r, c, x, y);
          }
    }
}

static void
test_round_trip (void)
{
  static const char * const files[] = {
    "quoted_newlines.csv", "currency_us.csv", "semicolon_eu.csv", "empty_cells.csv",
    "utf8_accents.csv", "dates_iso.csv", "percentage.csv",
  };
  g_autoptr(WfStore) store = NULL;

  if (!test_sandbox_usable ())
    return;
  store = new_store ();
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = data_path (files[i]);
      g_autofree char *name1 = g_strdup_printf ("rt%u_a", i);
      g_autofree char *name2 = g_strdup_printf ("rt%u_b", i);
      g_autofree char *out = g_strdup_printf ("%s/rt%u.csv", tmp_dir, i);
      g_autoptr(WfDataset) d1 = NULL, d2 = NULL;
      g_autoptr(WfTable) t1 = NULL, t2 = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *csv = NULL;

      d1 = wf_import_csv_sync (store, test_sandbox, path, name1, FALSE, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      t1 = preview_all (store, name1);
      /* Export with a BOM, as for Excel: the import must take it off again. */
      csv = wf_csv_table_to_string (t1, WF_CSV_FLAGS_BOM);
      g_assert_true (g_file_set_contents (out, csv, -1, &error));
      d2 = wf_import_csv_sync (store, test_sandbox, out, name2, FALSE, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (d1->n_rows, ==, d2->n_rows);
      t2 = preview_all (store, name2);
      assert_tables_equal (t1, t2);
    }
}

static void
test_formula_injection (void)
{
  g_autoptr(WfStore) store = NULL;
  g_autofree char *path = data_path ("injection.csv");
  g_autoptr(WfDataset) d = NULL;
  g_autoptr(WfTable) t = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;

  if (!test_sandbox_usable ())
    return;
  store = new_store ();
  d = wf_import_csv_sync (store, test_sandbox, path, "inj", FALSE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  t = preview_all (store, "inj");
  csv = wf_csv_table_to_string (t, WF_CSV_FLAGS_NONE);
  g_test_message ("%s", csv);
  /* Imported text cells that a spreadsheet would run are neutralised … */
  g_assert_nonnull (strstr (csv, "'=SUM(A1:A9)"));
  g_assert_nonnull (strstr (csv, "'@cmd"));
  g_assert_nonnull (strstr (csv, "'+1"));
  g_assert_nonnull (strstr (csv, "\"'=HYPERLINK(\"\"http://x\"\")\""));
  g_assert_null (strstr (csv, "\r\n=SUM"));
  /* … while the integer column's negative number stays a number. */
  g_assert_nonnull (strstr (csv, ",-2,"));
}

static void
test_wf_load (void)
{
  g_autoptr(WfStore) store = NULL;
  g_autofree char *path = data_path ("currency_us.csv");
  g_autofree char *path2 = data_path ("dates_iso.csv");
  g_autofree char *path3 = data_path ("empty_cells.csv");
  g_autoptr(WfDataset) d = NULL, d2 = NULL, d3 = NULL;
  g_autoptr(WfJob) job = NULL;
  g_autoptr(WfRunResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const WfTable *dtypes;
  const char *want[][2] = {
    { "item", "object" }, { "cost", "float64" },
    { "day", "datetime64[ns]" }, { "stamp", "datetime64[ns]" }, { "amount", "Int64" },
    { "id", "Int64" }, { "qty", "Int64" }, { "price", "float64" },
  };

  if (!test_sandbox_usable ())
    return;
  store = new_store ();
  d = wf_import_csv_sync (store, test_sandbox, path, "costs", FALSE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  d2 = wf_import_csv_sync (store, test_sandbox, path2, "days", FALSE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  d3 = wf_import_csv_sync (store, test_sandbox, path3, "gaps", FALSE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  job = wf_job_new (WF_JOB_RUN, "python",
                    "import whatif as wf\n"
                    "rows = []\n"
                    "for n in ('costs', 'days', 'gaps'):\n"
                    "    df = wf.load(n)\n"
                    "    rows += [[c, str(t)] for c, t in df.dtypes.items()]\n"
                    "wf.table('dtypes', rows, columns=['column', 'dtype'])\n"
                    "wf.metric('total', float(wf.load('costs')['cost'].sum()))\n"
                    "wf.metric('qty_na', int(wf.load('gaps')['qty'].isna().sum()))\n"
                    "try:\n"
                    "    import sqlite3\n"
                    "    c = sqlite3.connect(wf._state['workbook'])\n"
                    "    c.execute('CREATE TABLE evil (x)')\n"
                    "    c.commit()\n"
                    "    wf.metric('wrote', 1)\n"
                    "except Exception as e:\n"
                    "    wf.metric('wrote', 0)\n"
                    "import os\n"
                    "wf.metric('only_workbook', int(sorted(os.listdir('/workbook')) == "
                    "['workbook.db', 'workbook.db-journal']))\n");
  job->policy = FALSE;
  job->workbook_path = wf_store_dup_workbook_path (store);
  job->datasets = wf_store_list_datasets (store, &error);
  g_assert_no_error (error);
  job->limits.wall_ms = 30000;
  result = test_run_job (job);
  if (result->status != WF_RUN_STATUS_OK)
    g_error ("wf.load job: %s\n%s", result->error_message, result->stderr_text);
  dtypes = test_result_find_table (result, "dtypes");
  g_assert_nonnull (dtypes);
  g_assert_cmpuint (json_array_get_length (dtypes->rows), ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      JsonArray *row = json_array_get_array_element (dtypes->rows, i);

      g_assert_cmpstr (json_array_get_string_element (row, 0), ==, want[i][0]);
      g_assert_cmpstr (json_array_get_string_element (row, 1), ==, want[i][1]);
    }
  for (guint i = 0; i < result->metrics->len; i++)
    {
      WfMetric *m = g_ptr_array_index (result->metrics, i);

      if (g_str_equal (m->name, "total"))
        g_assert_cmpfloat_with_epsilon (m->value, 1234.5 - 12.0 + 0.99, 1e-9);
      else if (g_str_equal (m->name, "qty_na"))
        g_assert_cmpfloat (m->value, ==, 1);
      else if (g_str_equal (m->name, "wrote"))
        g_assert_cmpfloat (m->value, ==, 0);   /* the workbook is read-only for run jobs */
      else if (g_str_equal (m->name, "only_workbook"))
        g_assert_cmpfloat (m->value, ==, 1);   /* not the main database beside it */
    }
  g_assert_cmpuint (result->metrics->len, ==, 4);
  assert_workbook_matches_store (store);
}

static void
test_replace_and_delete (void)
{
  g_autoptr(WfStore) store = NULL;
  g_autofree char *a = data_path ("basic_comma.csv");
  g_autofree char *b = data_path ("crlf.csv");
  g_autofree char *broken = data_path ("ragged_long.csv");
  g_autoptr(WfDataset) d1 = NULL, d2 = NULL, d3 = NULL, got = NULL;
  g_autoptr(WfTable) t = NULL;
  g_autoptr(GError) error = NULL;

  if (!test_sandbox_usable ())
    return;
  store = new_store ();
  d1 = wf_import_csv_sync (store, test_sandbox, a, "things", FALSE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  d2 = wf_import_csv_sync (store, test_sandbox, b, "things", FALSE, NULL, NULL, NULL, &error);
  g_assert_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_EXISTS);
  g_assert_null (d2);
  g_clear_error (&error);

  /* A failed replace keeps the old rows. */
  d2 = wf_import_csv_sync (store, test_sandbox, broken, "things", TRUE, NULL, NULL, NULL, &error);
  g_assert_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_PARSE);
  g_clear_error (&error);
  t = preview_all (store, "things");
  g_assert_cmpstr (g_ptr_array_index (t->columns, 1), ==, "name");
  g_clear_pointer (&t, wf_table_free);

  d3 = wf_import_csv_sync (store, test_sandbox, b, "things", TRUE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (d3->id, ==, d1->id);
  g_assert_cmpstr (d3->table_name, ==, d1->table_name);
  got = wf_store_get_dataset (store, "things", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->file_name, ==, "crlf.csv");
  t = preview_all (store, "things");
  g_assert_cmpstr (g_ptr_array_index (t->columns, 1), ==, "city");
  assert_workbook_matches_store (store);

  /* Rename keeps the table; delete drops it. */
  g_assert_true (wf_store_rename_dataset (store, "things", "stuff", &error));
  g_assert_no_error (error);
  g_clear_pointer (&t, wf_table_free);
  t = preview_all (store, "stuff");
  g_assert_nonnull (t);
  g_assert_true (wf_import_delete_dataset (store, "stuff", &error));
  g_assert_no_error (error);
  g_assert_false (wf_import_delete_dataset (store, "stuff", &error));
  g_assert_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  assert_workbook_matches_store (store);
  {
    g_auto(GStrv) tables = wf_store_list_workbook_tables (store, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (tables), ==, 0);
  }
  /* Missing file */
  g_assert_null (wf_import_csv_sync (store, test_sandbox, "/nonexistent/x.csv", "x", FALSE,
                                     NULL, NULL, NULL, &error));
  g_assert_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_NOT_FOUND);
}

/* Hostile files, generated here (some are large). */
static char *
write_tmp (const char *name,
           GString    *data)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, data->str, (gssize) data->len, &error));
  g_assert_no_error (error);
  return path;
}

static void
expect_hostile (WfStore    *store,
                const char *path,
                int         code,
                const char *contains)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfDataset) d = NULL;
  gint64 start = g_get_monotonic_time ();

  d = wf_import_csv_sync (store, test_sandbox, path, "hostile", FALSE, NULL, NULL, NULL, &error);
  g_test_message ("%s: %s (%.1f s)", path, error ? error->message : "imported?!",
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_null (d);
  g_assert_error (error, WF_IMPORT_ERROR, code);
  if (contains != NULL && strstr (error->message, contains) == NULL)
    g_error ("“%s” does not say “%s”", error->message, contains);
  assert_workbook_matches_store (store);
  g_assert_null (wf_store_get_dataset (store, "hostile", NULL));
}

static void
test_hostile (void)
{
  g_autoptr(WfStore) store = NULL;
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *p = NULL;
  g_autofree char *keep = data_path ("basic_comma.csv");
  g_autoptr(WfDataset) kept = NULL;
  g_autoptr(GError) error = NULL;

  if (!test_sandbox_usable ())
    return;
  store = new_store ();
  /* Something already imported must survive every failure below. */
  kept = wf_import_csv_sync (store, test_sandbox, keep, "kept", FALSE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* A 50 MB single field. */
  g_string_append (s, "a,b\n1,\"");
  {
    gsize at = s->len;

    g_string_set_size (s, at + 50 * 1024 * 1024);
    memset (s->str + at, 'x', 50 * 1024 * 1024);
  }
  g_string_append (s, "\"\n");
  p = write_tmp ("big-field.csv", s);
  expect_hostile (store, p, WF_IMPORT_ERROR_TOO_LARGE, "line 2");
  g_clear_pointer (&p, g_free);

  /* A million columns. */
  g_string_truncate (s, 0);
  for (int i = 0; i < 1000000; i++)
    g_string_append (s, i ? ",c" : "c");
  g_string_append (s, "\n");
  p = write_tmp ("million-columns.csv", s);
  expect_hostile (store, p, WF_IMPORT_ERROR_TOO_LARGE, "1000000 columns");
  g_clear_pointer (&p, g_free);

  /* Invalid bytes: UTF-8 text, then bytes that are no encoding's. */
  g_string_truncate (s, 0);
  g_string_append (s, "name,amount\n");
  for (int i = 0; i < 5000; i++)
    g_string_append_printf (s, "Zoë %d,%d\n", i, i);
  g_string_append (s, "\xc3\x28\xa0\xa1,1\n");
  p = write_tmp ("invalid-bytes.csv", s);
  expect_hostile (store, p, WF_IMPORT_ERROR_NOT_TEXT, "Line 5002");
  g_clear_pointer (&p, g_free);

  /* A quote bomb: one unterminated quote swallows the rest of a 20 MB file. */
  g_string_truncate (s, 0);
  g_string_append (s, "a,b\n1,2\n3,\"oops\n");
  while (s->len < 20 * 1024 * 1024)
    g_string_append (s, "5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20\n");
  p = write_tmp ("quote-bomb.csv", s);
  expect_hostile (store, p, WF_IMPORT_ERROR_TOO_LARGE, "line 3");
  g_clear_pointer (&p, g_free);

  /* A small quote bomb ends at the end of the file. */
  g_string_truncate (s, 0);
  g_string_append (s, "a,b\n1,2\n3,\"oops\n4,5\n");
  p = write_tmp ("quote-bomb-small.csv", s);
  expect_hostile (store, p, WF_IMPORT_ERROR_PARSE, "line 3");
  g_clear_pointer (&p, g_free);

  /* Really binary: an ELF program renamed .csv, and random bytes. */
  {
    g_autofree char *elf = NULL;
    gsize len;

    g_assert_true (g_file_get_contents ("/bin/true", &elf, &len, NULL));
    g_string_truncate (s, 0);
    g_string_append_len (s, elf, (gssize) len);
    p = write_tmp ("program.csv", s);
    expect_hostile (store, p, WF_IMPORT_ERROR_NOT_TEXT, "program");
    g_clear_pointer (&p, g_free);
  }
  g_string_truncate (s, 0);
  {
    GRand *rand = g_rand_new_with_seed (42);

    for (int i = 0; i < 1024 * 1024; i++)
      g_string_append_c (s, (char) g_rand_int_range (rand, 0, 256));
    g_rand_free (rand);
  }
  p = write_tmp ("random.csv", s);
  expect_hostile (store, p, WF_IMPORT_ERROR_NOT_TEXT, NULL);
  g_clear_pointer (&p, g_free);

  /* Binary without magic: text then a NUL deep inside. */
  g_string_truncate (s, 0);
  g_string_append (s, "a,b\n");
  for (int i = 0; i < 200000; i++)
    g_string_append (s, "1,2\n");
  g_string_append_len (s, "3,\0004\n", 6);
  p = write_tmp ("late-nul.csv", s);
  expect_hostile (store, p, WF_IMPORT_ERROR_NOT_TEXT, "line 200002");
  g_clear_pointer (&p, g_free);

  {
    g_autoptr(WfDataset) still = wf_store_get_dataset (store, "kept", &error);

    g_assert_no_error (error);
    g_assert_cmpint (still->n_rows, ==, 3);
  }
}

/* ~SIZE bytes of a typical accounting export. */
static char *
generate_big_csv (gint64 size)
{
  char *path = g_build_filename (tmp_dir, "big.csv", NULL);
  FILE *f = fopen (path, "w");
  gint64 written = 0;
  guint i = 0;

  g_assert_nonnull (f);
  written += fprintf (f, "id,date,customer,region,amount,qty,note\r\n");
  while (written < size)
    {
      i++;
      written += fprintf (f, "%u,2024-%02u-%02u,Customer %u,%s,%u.%02u,%u,\"note %u, with comma\"\r\n",
                          i, 1 + i % 12, 1 + i % 28, i % 5000,
                          (i % 3) == 0 ? "North" : (i % 3) == 1 ? "South" : "East",
                          (i * 7919) % 100000, i % 100, i % 50, i);
    }
  fclose (f);
  return path;
}

static void
test_memory_100mb (void)
{
  g_autoptr(WfStore) store = NULL;
  g_autofree char *path = NULL;
  g_autoptr(WfDataset) d = NULL;
  g_autoptr(GError) error = NULL;
  WfImportStats stats = { 0 };

  if (!test_sandbox_usable ())
    return;
  if (!g_test_slow () && g_getenv ("WHATIF_TEST_QUICK") != NULL)
    {
      g_test_skip ("quick mode");
      return;
    }
  store = new_store ();
  path = generate_big_csv ((gint64) 100 * 1024 * 1024);
  d = wf_import_csv_sync_full (store, test_sandbox, path, "big", FALSE, NULL, NULL, &stats, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("100 MB: %" G_GINT64_FORMAT " rows, wall %" G_GINT64_FORMAT " ms, cpu %" G_GINT64_FORMAT
                  " ms, peak RSS %" G_GINT64_FORMAT " MB", d->n_rows, stats.wall_ms, stats.cpu_ms,
                  stats.peak_rss_kb / 1024);
  g_assert_cmpint (d->n_rows, >, 1000000);
  g_assert_cmpint (stats.bytes, >=, 100 * 1024 * 1024);
  /* Chunked: far less than the file held in memory as Python objects. */
  g_assert_cmpint (stats.peak_rss_kb, >, 0);
  g_assert_cmpint (stats.peak_rss_kb, <, 400 * 1024);
  g_unlink (path);
  g_assert_true (wf_import_delete_dataset (store, "big", &error));
}

typedef struct
{
  GMainLoop *loop;
  WfDataset *dataset;
  GError    *error;
  guint      n_progress;
  GThread   *main_thread;
  double     last_fraction;
} AsyncState;

static void
on_async_progress (const char *message,
                   double      fraction,
                   gpointer    user_data)
{
  AsyncState *s = user_data;

  g_assert_true (g_thread_self () == s->main_thread);
  g_assert_nonnull (message);
  g_assert_true (fraction <= 1.0);
  /* Translated shapes of the runner's English lines (C locale here). */
  g_assert_true (g_str_has_prefix (message, "Read ") || g_str_has_prefix (message, "Imported ") ||
                 g_str_equal (message, "Checking the file…"));
  s->n_progress++;
  s->last_fraction = fraction;
}

static void
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncState *s = user_data;

  s->dataset = wf_import_csv_finish (result, &s->error);
  g_main_loop_quit (s->loop);
}

static void
test_async_progress (void)
{
  g_autoptr(WfStore) store = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *path = NULL;
  AsyncState s = { 0 };

  if (!test_sandbox_usable ())
    return;
  store = new_store ();
  db_path = g_strdup_printf ("%s/store-%u.db", tmp_dir, db_counter);
  path = generate_big_csv (8 * 1024 * 1024);
  s.loop = g_main_loop_new (NULL, FALSE);
  s.main_thread = g_thread_self ();
  wf_import_csv_async (db_path, test_sandbox, path, "async_set", FALSE, on_async_progress, &s, NULL,
                       NULL, on_async_done, &s);
  g_main_loop_run (s.loop);
  g_assert_no_error (s.error);
  g_assert_nonnull (s.dataset);
  g_assert_cmpuint (s.n_progress, >=, 2);
  g_assert_cmpfloat (s.last_fraction, ==, 1.0);
  {
    g_autoptr(WfDataset) d = wf_store_get_dataset (store, "async_set", NULL);

    g_assert_nonnull (d);
    g_assert_cmpint (d->n_rows, ==, s.dataset->n_rows);
  }
  wf_dataset_free (s.dataset);
  g_main_loop_unref (s.loop);
}

static void
cancel_on_progress (const char *message,
                    double      fraction,
                    gpointer    user_data)
{
  if (fraction > 0.45)
    g_cancellable_cancel (user_data);
}

static void
test_cancel_mid_write (void)
{
  g_autoptr(WfStore) store = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WfDataset) d = NULL;

  if (!test_sandbox_usable ())
    return;
  store = new_store ();
  path = generate_big_csv (30 * 1024 * 1024);
  d = wf_import_csv_sync (store, test_sandbox, path, "cancelled", FALSE, cancel_on_progress, cancellable,
                          cancellable, &error);
  g_assert_null (d);
  g_assert_error (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_CANCELLED);
  /* Killed inside the transaction: the hot journal is rolled back. */
  assert_workbook_matches_store (store);
  {
    g_auto(GStrv) tables = wf_store_list_workbook_tables (store, NULL);

    g_assert_cmpuint (g_strv_length (tables), ==, 0);
  }
}

/* The CLI */

typedef struct
{
  int       status;
  char     *out;
  char     *err;
  JsonNode *json;
} Cli;

static void
cli_free (Cli *c)
{
  g_free (c->out);
  g_free (c->err);
  g_clear_pointer (&c->json, json_node_unref);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Cli, cli_free)

static Cli *
run_cli_v (const char * const *args)
{
  const char *cli = g_getenv ("WHATIF_CLI");
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  Cli *c = g_new0 (Cli, 1);

  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &c->out, &c->err, &error));
  g_assert_no_error (error);
  c->status = g_subprocess_get_exit_status (proc);
  if (c->out && *c->out && json_parser_load_from_data (parser, c->out, -1, NULL))
    c->json = json_node_copy (json_parser_get_root (parser));
  return c;
}

#define run_cli(...) run_cli_v ((const char *[]) { __VA_ARGS__, NULL })

static void
test_cli (void)
{
  g_autofree char *db = NULL;
  g_autofree char *csv = data_path ("currency_us.csv");
  g_autofree char *bad = data_path ("ragged_short.csv");
  g_autoptr(Cli) c = NULL;
  JsonObject *o;

  if (g_getenv ("WHATIF_CLI") == NULL)
    {
      g_test_skip ("whatif-cli is not built");
      return;
    }
  if (!test_sandbox_usable ())
    return;
  db = g_strdup_printf ("%s/cli.db", tmp_dir);

  c = run_cli ("import", csv, "--as", "costs", "--json", "--db", db);
  g_assert_cmpint (c->status, ==, 0);
  g_assert_nonnull (c->json);
  o = json_node_get_object (c->json);
  g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, "costs");
  g_assert_cmpint (json_object_get_int_member (o, "rows"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (o, "file_name"), ==, "currency_us.csv");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "columns")), ==, 2);
  g_clear_pointer (&c, cli_free);

  c = run_cli ("import", csv, "--as", "costs", "--db", db);
  g_assert_cmpint (c->status, ==, 1);
  g_assert_nonnull (strstr (c->err, "already"));
  g_clear_pointer (&c, cli_free);

  c = run_cli ("import", csv, "--as", "Bad Name", "--db", db);
  g_assert_cmpint (c->status, ==, 2);
  g_clear_pointer (&c, cli_free);

  c = run_cli ("import", bad, "--as", "broken", "--json", "--db", db);
  g_assert_cmpint (c->status, ==, 1);
  g_assert_nonnull (c->json);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (c->json), "ok"));
  g_assert_nonnull (strstr (json_object_get_string_member (json_node_get_object (c->json), "error"), "Line 3"));
  g_clear_pointer (&c, cli_free);

  c = run_cli ("import", bad, "--as", "costs", "--replace", "--db", db);
  g_assert_cmpint (c->status, ==, 1);          /* a failed replace keeps the old rows */
  g_clear_pointer (&c, cli_free);
  c = run_cli ("import", csv, "--as", "costs", "--replace", "--json", "--db", db);
  g_assert_cmpint (c->status, ==, 0);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (c->json), "rows"), ==, 3);
  g_clear_pointer (&c, cli_free);

  c = run_cli ("import", "/nonexistent/file.csv", "--as", "nothing", "--db", db);
  g_assert_cmpint (c->status, ==, 1);
  g_assert_nonnull (strstr (c->err, "Cannot read"));
  g_clear_pointer (&c, cli_free);

  c = run_cli ("import", csv, "--db", db);     /* name from the file name */
  g_assert_cmpint (c->status, ==, 0);
  g_assert_nonnull (strstr (c->out, "currency_us"));
  g_clear_pointer (&c, cli_free);

  c = run_cli ("datasets", "--json", "--db", db);
  g_assert_cmpint (c->status, ==, 0);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (c->json)), ==, 2);
  g_clear_pointer (&c, cli_free);

  c = run_cli ("datasets", "show", "costs", "--rows", "2", "--json", "--db", db);
  g_assert_cmpint (c->status, ==, 0);
  o = json_object_get_object_member (json_node_get_object (c->json), "preview");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "rows")), ==, 2);
  g_clear_pointer (&c, cli_free);

  c = run_cli ("datasets", "show", "costs", "--db", db);
  g_assert_cmpint (c->status, ==, 0);
  g_assert_nonnull (strstr (c->out, "1234.5"));
  g_assert_nonnull (strstr (c->out, "cost (currency)"));
  g_clear_pointer (&c, cli_free);

  c = run_cli ("datasets", "rename", "costs", "spend", "--db", db);
  g_assert_cmpint (c->status, ==, 0);
  g_clear_pointer (&c, cli_free);
  c = run_cli ("datasets", "rename", "spend", "currency_us", "--db", db);
  g_assert_cmpint (c->status, ==, 1);
  g_clear_pointer (&c, cli_free);

  c = run_cli ("datasets", "delete", "spend", "--json", "--db", db);
  g_assert_cmpint (c->status, ==, 0);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (c->json), "ok"));
  g_clear_pointer (&c, cli_free);
  c = run_cli ("datasets", "delete", "spend", "--db", db);
  g_assert_cmpint (c->status, ==, 1);
  g_clear_pointer (&c, cli_free);

  c = run_cli ("datasets", "frobnicate", "--db", db);
  g_assert_cmpint (c->status, ==, 2);
  g_clear_pointer (&c, cli_free);

  c = run_cli ("datasets", "--db", db);
  g_assert_cmpint (c->status, ==, 0);
  g_assert_nonnull (strstr (c->out, "currency_us"));
  g_assert_null (strstr (c->out, "spend"));
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  tmp_dir = g_dir_make_tmp ("whatif-import-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  test_sandbox = wf_sandbox_bwrap_new ();

  g_test_add_func ("/import/names", test_names);
  g_test_add_func ("/import/corpus", test_corpus);
  g_test_add_func ("/import/round-trip", test_round_trip);
  g_test_add_func ("/import/formula-injection", test_formula_injection);
  g_test_add_func ("/import/wf-load", test_wf_load);
  g_test_add_func ("/import/replace-delete", test_replace_and_delete);
  g_test_add_func ("/import/hostile", test_hostile);
  g_test_add_func ("/import/async-progress", test_async_progress);
  g_test_add_func ("/import/cancel", test_cancel_mid_write);
  g_test_add_func ("/import/memory-100mb", test_memory_100mb);
  g_test_add_func ("/import/cli", test_cli);

  ret = g_test_run ();
  g_clear_object (&test_sandbox);
  {
    g_autoptr(GFile) dir = g_file_new_for_path (tmp_dir);
    g_autoptr(GFileEnumerator) e = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, NULL);
    GFileInfo *info;

    while (e != NULL && (info = g_file_enumerator_next_file (e, NULL, NULL)) != NULL)
      {
        g_autofree char *p = g_build_filename (tmp_dir, g_file_info_get_name (info), NULL);

        g_unlink (p);
        g_object_unref (info);
      }
    g_rmdir (tmp_dir);
  }
  g_free (tmp_dir);
  return ret;
}
