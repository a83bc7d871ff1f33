/* test-sql-mode.c: SQL mode and wf.load() on the user's workbook, in the real sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The workbook is made here with SQLite directly (the import has its own
 * tests); the dataset records go through the real store. Expected figures
 * are computed in C from the same fixture rows, not written down.
 */
#include "config.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "wf-sandbox-test-util.h"
#include "wf-runner-protocol.h"
#include "wf-sql-firewall.h"
#include "wf-store.h"

#define N_SALES 36

typedef struct
{
  char    day[11];
  char    customer[16];
  double  amount;
  gint64  units;
} Sale;

static Sale sales[N_SALES];
static char *fixture_dir;
static char *store_path;
static char *workbook_path;

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("fixture SQL failed: %s (%s)", msg, sql);
}

/* Writes a workbook at PATH with table sales (day TEXT, customer TEXT,
 * amount REAL, units INTEGER) from the rows in sales[] times SCALE. */
static void
write_workbook (const char *path,
                double      scale)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), ==, SQLITE_OK);
  exec_sql (db, "PRAGMA journal_mode=DELETE");
  exec_sql (db, "DROP TABLE IF EXISTS sales");
  exec_sql (db, "CREATE TABLE sales (day TEXT, customer TEXT, amount REAL, units INTEGER)");
  exec_sql (db, "BEGIN");
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO sales VALUES (?, ?, ?, ?)", -1, &stmt, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < N_SALES; i++)
    {
      sqlite3_bind_text (stmt, 1, sales[i].day, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, sales[i].customer, -1, SQLITE_STATIC);
      sqlite3_bind_double (stmt, 3, sales[i].amount * scale);
      sqlite3_bind_int64 (stmt, 4, sales[i].units);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  exec_sql (db, "COMMIT");
  sqlite3_close (db);
}

static gint64
count_rows (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM sales", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
make_fixture (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfStore) store = NULL;
  g_autoptr(WfDataset) d = wf_dataset_new ("sales");
  static const char * const customers[] = { "Acme", "Brightside", "Corner Café", "Dunmore" };

  /* Three months, twelve sales each, amounts that are not round. */
  for (guint i = 0; i < N_SALES; i++)
    {
      g_snprintf (sales[i].day, sizeof sales[i].day, "2024-%02u-%02u", 1 + i / 12, 1 + (i * 7) % 28);
      g_strlcpy (sales[i].customer, customers[i % 4], sizeof sales[i].customer);
      sales[i].amount = 100.25 + 37.5 * i + (i % 5) * 0.125;
      sales[i].units = 1 + (gint64) (i % 7);
    }

  /* The per-test isolated dirs come and go with each test: the fixture lives
   * in a directory of its own for the whole program. */
  fixture_dir = g_dir_make_tmp ("whatif-sql-mode-XXXXXX", &error);
  g_assert_no_error (error);
  store_path = g_build_filename (fixture_dir, "whatif.db", NULL);
  store = wf_store_open (store_path, &error);
  g_assert_no_error (error);
  workbook_path = wf_store_dup_workbook_path (store);
  write_workbook (workbook_path, 1.0);

  d->file_name = g_strdup ("sales.csv");
  d->table_name = g_strdup ("sales");
  d->n_rows = N_SALES;
  d->columns_json = g_strdup ("[{\"name\":\"day\",\"type\":\"date\"},{\"name\":\"customer\",\"type\":\"text\"},"
                              "{\"name\":\"amount\",\"type\":\"currency\"},{\"name\":\"units\",\"type\":\"integer\"}]");
  wf_store_add_dataset (store, d, &error);
  g_assert_no_error (error);
}

static void
remove_fixture (void)
{
  g_autoptr(GDir) dir = g_dir_open (fixture_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture_dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture_dir);
  g_free (fixture_dir);
}

/* A job on the fixture workbook, with the store's dataset list. */
static WfJob *
workbook_job (const char *language,
              const char *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfStore) store = wf_store_open (store_path, &error);
  WfJob *job = wf_job_new (WF_JOB_RUN, language, code);

  g_assert_no_error (error);
  job->policy = FALSE;
  job->limits.wall_ms = 20000;
  job->workbook_path = wf_store_dup_workbook_path (store);
  job->datasets = wf_store_list_datasets (store, &error);
  g_assert_no_error (error);
  return job;
}

static WfRunResult *
run_sql (const char *sql)
{
  g_autoptr(WfJob) job = workbook_job ("sql", sql);

  return test_run_job (job);
}

static const WfMetric *
find_metric (const WfRunResult *r,
             const char        *name)
{
  for (guint i = 0; i < r->metrics->len; i++)
    {
      const WfMetric *m = g_ptr_array_index (r->metrics, i);

      if (g_str_equal (m->name, name))
        return m;
    }
  return NULL;
}

static void
test_group_by_month (void)
{
  g_autoptr(WfRunResult) r = NULL;
  const WfTable *t;
  double totals[3] = { 0, 0, 0 };
  gint64 counts[3] = { 0, 0, 0 };

  if (!test_sandbox_usable ())
    return;
  for (guint i = 0; i < N_SALES; i++)
    {
      int m = (int) g_ascii_strtoll (sales[i].day + 5, NULL, 10) - 1;

      totals[m] += sales[i].amount;
      counts[m]++;
    }

  r = run_sql ("-- summarise sales by month\n"
               "SELECT strftime('%Y-%m', day) AS month, round(sum(amount), 2) AS total, count(*) AS n\n"
               "FROM sales GROUP BY month ORDER BY month;\n");
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  t = test_result_find_table (r, "result");
  g_assert_nonnull (t);
  g_assert_false (r->tables_truncated);
  g_assert_cmpuint (t->columns->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (t->columns, 0), ==, "month");
  g_assert_cmpstr (g_ptr_array_index (t->columns, 1), ==, "total");
  g_assert_cmpuint (wf_table_get_n_rows (t), ==, 3);
  for (guint m = 0; m < 3; m++)
    {
      JsonArray *row = json_array_get_array_element (t->rows, m);
      g_autofree char *month = g_strdup_printf ("2024-%02u", m + 1);

      g_assert_cmpstr (json_array_get_string_element (row, 0), ==, month);
      g_assert_cmpfloat_with_epsilon (json_array_get_double_element (row, 1), round (totals[m] * 100) / 100, 1e-9);
      g_assert_cmpint (json_array_get_int_element (row, 2), ==, counts[m]);
    }
  /* Several values: no metric is made up. */
  g_assert_cmpuint (r->metrics->len, ==, 0);
}

static void
test_single_value_metric (void)
{
  g_autoptr(WfRunResult) r = NULL;
  const WfMetric *m;
  double total = 0;

  if (!test_sandbox_usable ())
    return;
  for (guint i = 0; i < N_SALES; i++)
    if (g_str_equal (sales[i].customer, "Acme"))
      total += sales[i].amount;

  r = run_sql ("SELECT sum(amount) AS acme_revenue FROM sales WHERE customer = 'Acme'");
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  m = find_metric (r, "acme_revenue");
  g_assert_nonnull (m);
  g_assert_cmpfloat_with_epsilon (m->value, total, 1e-6);
  g_assert_nonnull (test_result_find_table (r, "result"));

  /* A single text value is a table, not a metric. */
  {
    g_autoptr(WfRunResult) r2 = run_sql ("SELECT max(customer) AS last_customer FROM sales");

    g_assert_cmpint (r2->status, ==, WF_RUN_STATUS_OK);
    g_assert_cmpuint (r2->metrics->len, ==, 0);
    g_assert_cmpuint (r2->tables->len, ==, 1);
  }
}

/* Everything that is not reading, refused by BOTH lines on their own: the
 * host's SQL firewall, and the runner's authoriser with no firewall before it. */
static void
test_writes_denied (void)
{
  static const char * const denied[] = {
    "INSERT INTO sales VALUES ('2024-04-01', 'Mallory', 1e9, 1)",
    "UPDATE sales SET amount = 0",
    "DELETE FROM sales",
    "DROP TABLE sales",
    "CREATE TABLE stolen AS SELECT * FROM sales",
    "ATTACH DATABASE '/job/x.db' AS x",
    "PRAGMA writable_schema = 1",
    "PRAGMA journal_mode = WAL",
    "SELECT load_extension('/job/evil.so')",
    "SELECT * FROM pragma_table_info('sales')",
    "BEGIN IMMEDIATE",
    "VACUUM INTO '/job/copy.db'",
    "WITH t AS (SELECT 1) DELETE FROM sales",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(WfSqlFirewall) firewall = NULL;

  if (!test_sandbox_usable ())
    return;
  firewall = wf_sql_firewall_new_for_db (workbook_path, &error);
  g_assert_no_error (error);

  for (gsize i = 0; i < G_N_ELEMENTS (denied); i++)
    {
      g_autoptr(WfVerdict) verdict = wf_sql_firewall_check (firewall, denied[i]);
      g_autoptr(WfRunResult) r = NULL;

      g_test_message ("denied: %s", denied[i]);
      g_assert_false (wf_verdict_is_allowed (verdict));

      r = run_sql (denied[i]);
      g_test_message ("  runner: %s: %s", wf_run_status_to_string (r->status),
                      r->error_message ? r->error_message : "");
      g_assert_cmpint (r->status, !=, WF_RUN_STATUS_OK);
      g_assert_cmpuint (r->tables->len, ==, 0);
      /* Refused by the authoriser (or, for what it does not see, by the
       * parser or the read-only connection), never by a crash. */
      g_assert_true (r->status == WF_RUN_STATUS_BLOCKED || r->status == WF_RUN_STATUS_ERROR);
      g_assert_nonnull (r->error_message);
    }
  /* The authoriser itself answered for the plain cases. */
  {
    g_autoptr(WfRunResult) r = run_sql ("DELETE FROM sales");

    g_assert_cmpint (r->status, ==, WF_RUN_STATUS_BLOCKED);
    g_assert_nonnull (strstr (r->error_message, "reading"));
  }
  {
    g_autoptr(WfRunResult) r = run_sql ("ATTACH DATABASE '/job/x.db' AS x");

    g_assert_cmpint (r->status, ==, WF_RUN_STATUS_BLOCKED);
  }
  {
    g_autoptr(WfRunResult) r = run_sql ("SELECT load_extension('/job/evil.so')");

    g_assert_cmpint (r->status, ==, WF_RUN_STATUS_BLOCKED);
    g_assert_nonnull (strstr (r->error_message, "load_extension"));
  }
  g_assert_cmpint (count_rows (workbook_path), ==, N_SALES);
}

static void
test_runaway_cte (void)
{
  g_autoptr(WfJob) job = NULL;
  g_autoptr(WfRunResult) r = NULL;

  if (!test_sandbox_usable ())
    return;
  job = workbook_job ("sql", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)\n"
                             "SELECT count(*) FROM c");
  job->limits.cpu_ms = 1500;
  job->limits.wall_ms = 10000;
  r = test_run_job (job);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_TIMEOUT);
  g_assert_true (test_result_has_limit (r, "cpu"));
  g_assert_nonnull (r->error_message);
  g_assert_nonnull (strstr (r->error_message, "time limit"));
  g_assert_cmpuint (r->tables->len, ==, 0);
}

static void
test_row_cap (void)
{
  g_autoptr(WfJob) job = NULL;
  g_autoptr(WfRunResult) r = NULL;
  const WfTable *t;

  if (!test_sandbox_usable ())
    return;
  job = workbook_job ("sql", "SELECT * FROM sales ORDER BY rowid");
  job->limits.table_rows = 10;
  r = test_run_job (job);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  t = test_result_find_table (r, "result");
  g_assert_nonnull (t);
  g_assert_cmpuint (wf_table_get_n_rows (t), ==, 10);
  g_assert_true (r->tables_truncated);
  g_assert_true (test_result_has_limit (r, "table_rows"));
  g_assert_cmpstr (json_array_get_string_element (json_array_get_array_element (t->rows, 9), 0), ==, sales[9].day);

  /* Exactly at the cap: not truncated. */
  {
    g_autoptr(WfJob) job2 = workbook_job ("sql", "SELECT day FROM sales LIMIT 10");
    g_autoptr(WfRunResult) r2 = NULL;

    job2->limits.table_rows = 10;
    r2 = test_run_job (job2);
    g_assert_cmpint (r2->status, ==, WF_RUN_STATUS_OK);
    g_assert_false (r2->tables_truncated);
  }
}

static void
test_bad_queries (void)
{
  if (!test_sandbox_usable ())
    return;
  {
    g_autoptr(WfRunResult) r = run_sql ("SELECT 1; SELECT 2");

    g_assert_cmpint (r->status, ==, WF_RUN_STATUS_ERROR);
    g_assert_nonnull (strstr (r->error_message, "one SQL statement"));
  }
  {
    g_autoptr(WfRunResult) r = run_sql ("SELECT nope FROM nowhere");

    g_assert_cmpint (r->status, ==, WF_RUN_STATUS_ERROR);
    g_assert_nonnull (strstr (r->error_message, "no such table"));
  }
  {
    g_autoptr(WfRunResult) r = run_sql ("  ;  ");

    g_assert_cmpint (r->status, ==, WF_RUN_STATUS_ERROR);
    g_assert_nonnull (strstr (r->error_message, "empty"));
  }
}

/* Cells an import could leave behind: bytes that are not UTF-8, blobs,
 * huge strings, and a result with two columns of the same name. */
static void
test_odd_values (void)
{
  g_autoptr(WfRunResult) r = NULL;
  g_autoptr(WfRunResult) big = NULL;
  const WfTable *t;
  JsonArray *row;

  if (!test_sandbox_usable ())
    return;
  r = run_sql ("SELECT CAST(x'41ff42' AS TEXT) AS bad_text, x'00010203' AS blob, 1 AS a, 2 AS a, "
               "NULL AS empty, 1e308 * 10 AS inf");
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  t = test_result_find_table (r, "result");
  g_assert_nonnull (t);
  g_assert_cmpuint (t->columns->len, ==, 6);
  row = json_array_get_array_element (t->rows, 0);
  g_assert_cmpstr (json_array_get_string_element (row, 0), ==, "A\xef\xbf\xbd" "B");
  g_assert_cmpstr (json_array_get_string_element (row, 1), ==, "<4 bytes>");
  g_assert_cmpint (json_array_get_int_element (row, 3), ==, 2);
  g_assert_true (json_array_get_null_element (row, 4));
  g_assert_true (json_array_get_null_element (row, 5));

  /* A string past SQLite's length limit for the job: an error, not an exhausted sandbox. */
  big = run_sql ("SELECT length(replace(printf('%.*c', 1000000, 'x'), 'x', "
                 "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')) AS n");
  g_assert_cmpint (big->status, ==, WF_RUN_STATUS_ERROR);
  g_assert_nonnull (strstr (big->error_message, "too big"));
}

static void
test_no_workbook (void)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "sql", "SELECT 1");
  g_autoptr(WfRunResult) r = NULL;

  if (!test_sandbox_usable ())
    return;
  job->policy = FALSE;
  r = test_run_job (job);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_ERROR);
  g_assert_nonnull (strstr (r->error_message, "import"));

  /* A workbook path that does not exist (nothing imported yet): the same. */
  {
    g_autoptr(WfJob) job2 = wf_job_new (WF_JOB_RUN, "sql", "SELECT 1");
    g_autoptr(WfRunResult) r2 = NULL;

    job2->policy = FALSE;
    job2->workbook_path = g_build_filename (g_get_user_data_dir (), "nothing-workbook.db", NULL);
    r2 = test_run_job (job2);
    g_assert_cmpint (r2->status, ==, WF_RUN_STATUS_ERROR);
    g_assert_nonnull (strstr (r2->error_message, "import"));
  }
}

static void
test_wf_load_dtypes (void)
{
  g_autoptr(WfJob) job = NULL;
  g_autoptr(WfRunResult) r = NULL;
  const WfTable *t;
  const WfMetric *m;
  static const char * const expected[][2] = {
    { "day", "datetime64[ns]" },
    { "customer", "object" },
    { "amount", "float64" },
    { "units", "Int64" },
  };
  double total = 0;

  if (!test_sandbox_usable ())
    return;
  for (guint i = 0; i < N_SALES; i++)
    total += sales[i].amount * sales[i].units;

  job = workbook_job ("python",
                      "import whatif as wf\n"
                      "df = wf.load('sales')\n"
                      "wf.table('dtypes', [[str(c), str(t)] for c, t in df.dtypes.items()], columns=['column', 'dtype'])\n"
                      "wf.metric('rows', len(df))\n"
                      "wf.metric('weighted', float((df['amount'] * df['units']).sum()))\n"
                      "wf.metric('months', df['day'].dt.month.nunique())\n");
  r = test_run_job (job);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  t = test_result_find_table (r, "dtypes");
  g_assert_nonnull (t);
  g_assert_cmpuint (wf_table_get_n_rows (t), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      JsonArray *row = json_array_get_array_element (t->rows, i);

      g_assert_cmpstr (json_array_get_string_element (row, 0), ==, expected[i][0]);
      g_assert_cmpstr (json_array_get_string_element (row, 1), ==, expected[i][1]);
    }
  m = find_metric (r, "rows");
  g_assert_nonnull (m);
  g_assert_cmpfloat (m->value, ==, N_SALES);
  m = find_metric (r, "weighted");
  g_assert_nonnull (m);
  g_assert_cmpfloat_with_epsilon (m->value, total, 1e-6);
  m = find_metric (r, "months");
  g_assert_nonnull (m);
  g_assert_cmpfloat (m->value, ==, 3);

  /* The same with the firewall's run-time policy on, as the pipeline runs it. */
  {
    g_autoptr(WfJob) guarded = workbook_job ("python",
                                             "import whatif as wf\n"
                                             "df = wf.load('sales')\n"
                                             "wf.metric('rows', len(df))\n"
                                             "wf.metric('units', int(df['units'].sum()))\n");
    g_autoptr(WfRunResult) rg = NULL;
    g_autofree char *policy = g_build_filename (wf_sandbox_get_runner_dir (), "whatif_policy.py", NULL);
    gint64 units = 0;

    for (guint i = 0; i < N_SALES; i++)
      units += sales[i].units;
    guarded->policy = g_file_test (policy, G_FILE_TEST_EXISTS);
    rg = test_run_job (guarded);
    g_assert_cmpint (rg->status, ==, WF_RUN_STATUS_OK);
    m = find_metric (rg, "units");
    g_assert_nonnull (m);
    g_assert_cmpfloat (m->value, ==, (double) units);
  }
  /* The mount is read-only, whatever the model tries. */
  {
    g_autoptr(WfJob) job2 = workbook_job ("python",
                                          "import sqlite3, whatif as wf\n"
                                          "con = sqlite3.connect('" WF_RUNNER_WORKBOOK_MOUNT "')\n"
                                          "con.execute('DELETE FROM sales')\n"
                                          "con.commit()\n");
    g_autoptr(WfRunResult) r2 = test_run_job (job2);

    g_assert_cmpint (r2->status, ==, WF_RUN_STATUS_ERROR);
    g_assert_cmpint (count_rows (workbook_path), ==, N_SALES);
  }
  /* An unknown name says which datasets there are. */
  {
    g_autoptr(WfJob) job3 = workbook_job ("python", "import whatif as wf\nwf.load('salez')\n");
    g_autoptr(WfRunResult) r3 = test_run_job (job3);

    g_assert_cmpint (r3->status, ==, WF_RUN_STATUS_ERROR);
    g_assert_nonnull (strstr (r3->error_message, "sales"));
  }
}

/* A workbook replaced by a new file (a new inode: what a bind mount would
 * not follow) is seen by the next job. */
static void
test_workbook_replaced (void)
{
  g_autofree char *next = NULL;
  g_autoptr(WfRunResult) before = NULL;
  g_autoptr(WfRunResult) after = NULL;
  const WfMetric *m;
  double total = 0;

  if (!test_sandbox_usable ())
    return;
  for (guint i = 0; i < N_SALES; i++)
    total += sales[i].amount;

  before = run_sql ("SELECT sum(amount) AS total FROM sales");
  g_assert_cmpint (before->status, ==, WF_RUN_STATUS_OK);
  m = find_metric (before, "total");
  g_assert_nonnull (m);
  g_assert_cmpfloat_with_epsilon (m->value, total, 1e-6);

  next = g_strconcat (workbook_path, ".new", NULL);
  write_workbook (next, 2.0);
  g_assert_cmpint (g_rename (next, workbook_path), ==, 0);

  after = run_sql ("SELECT sum(amount) AS total FROM sales");
  g_assert_cmpint (after->status, ==, WF_RUN_STATUS_OK);
  m = find_metric (after, "total");
  g_assert_nonnull (m);
  g_assert_cmpfloat_with_epsilon (m->value, 2 * total, 1e-6);

  write_workbook (workbook_path, 1.0);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  test_sandbox = wf_sandbox_bwrap_new ();
  make_fixture ();

  g_test_add_func ("/sql-mode/group-by-month", test_group_by_month);
  g_test_add_func ("/sql-mode/single-value-metric", test_single_value_metric);
  g_test_add_func ("/sql-mode/writes-denied", test_writes_denied);
  g_test_add_func ("/sql-mode/runaway-cte", test_runaway_cte);
  g_test_add_func ("/sql-mode/row-cap", test_row_cap);
  g_test_add_func ("/sql-mode/bad-queries", test_bad_queries);
  g_test_add_func ("/sql-mode/odd-values", test_odd_values);
  g_test_add_func ("/sql-mode/no-workbook", test_no_workbook);
  g_test_add_func ("/sql-mode/wf-load-dtypes", test_wf_load_dtypes);
  g_test_add_func ("/sql-mode/workbook-replaced", test_workbook_replaced);

  ret = g_test_run ();
  g_clear_object (&test_sandbox);
  remove_fixture ();
  g_free (store_path);
  g_free (workbook_path);
  return ret;
}
