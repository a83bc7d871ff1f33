/* test-store.c: the real SQLite store, from an empty file to a killed writer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tests look inside the database with SQLite itself where the API has no
 * window (pragmas, user_version); the product code speaks SQL only in wf-store.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wf-store.h"

static char *
tmp_db_path (const char *name)
{
  /* Inside the test's isolated data dir, which GLib removes afterwards. */
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "wf-store-XXXXXX", NULL);

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  g_assert_nonnull (g_mkdtemp (dir));
  return g_build_filename (dir, name, NULL);
}

static gint64
sql_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static char *
sql_text (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
sql_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static WfTable *
make_table (const char *name,
            guint       n_rows)
{
  WfTable *t = wf_table_new (name);

  g_ptr_array_add (t->columns, g_strdup ("month"));
  g_ptr_array_add (t->columns, g_strdup ("balance"));
  g_ptr_array_add (t->columns, g_strdup ("note"));
  for (guint r = 0; r < n_rows; r++)
    {
      JsonArray *row = json_array_new ();
      g_autofree char *note = g_strdup_printf ("row %u, \"quoted\"\nline", r);

      json_array_add_int_element (row, r + 1);
      json_array_add_double_element (row, 1000.5 - r * 3.25);
      json_array_add_string_element (row, note);
      json_array_add_array_element (t->rows, row);
    }
  return t;
}

/* A run whose shape is encoded in its question, so that a reader can check
 * that nothing of it is missing. */
static WfRun *
make_run (const char *question,
          guint       n_tables,
          guint       n_rows,
          guint       n_metrics)
{
  WfRun *run = wf_run_new ();
  WfRunResult *r = wf_run_result_new ();
  WfCostSpan *span;
  WfChart *chart;
  WfSeries *series;
  WfParam *param;
  double v;

  run->mode = WF_MODE_ASK;
  run->language = g_strdup ("python");
  run->question = g_strdup (question);
  run->code = g_strdup ("import whatif as wf\nwf.metric('payment', 801.4, 'USD')\n");
  run->code_hash = wf_sha256_hex (run->code);
  run->explanation = g_strdup ("Amortised loan.");
  run->answer = g_strdup_printf ("The answer to %s is 42 dollars", question);
  run->outcome = WF_OUTCOME_ANSWERED;
  run->provider = g_strdup ("offline");
  run->model = g_strdup ("offline/templates");
  run->verdict_json = g_strdup ("{\"allowed\":true}");
  run->overrides_json = g_strdup ("{\"rate\":7.5}");
  run->total_micros = 1234;
  run->cost_estimated = TRUE;
  run->finished_us = g_get_real_time ();
  g_ptr_array_add (run->fixes, g_strdup ("stripped markdown fence"));

  span = wf_cost_span_new ("generate");
  span->provider = g_strdup ("offline");
  span->model = g_strdup ("offline/templates");
  span->input_tokens = 120;
  span->output_tokens = 80;
  span->llm_micros = 1000;
  span->total_micros = 1000;
  span->start_us = 1;
  span->duration_us = 5000;
  span->estimated = TRUE;
  g_ptr_array_add (run->spans, span);
  span = wf_cost_span_new ("execute");
  span->sandbox_seconds = 0.25;
  span->sandbox_micros = 234;
  span->total_micros = 234;
  g_ptr_array_add (run->spans, span);

  r->status = WF_RUN_STATUS_OK;
  g_free (r->stdout_text);
  r->stdout_text = g_strdup ("hello\n");
  r->backend = g_strdup ("bwrap");
  r->wall_ms = 120;
  r->cpu_ms = 80;
  r->peak_rss_kb = 40000;
  r->tables_truncated = TRUE;
  g_ptr_array_add (r->logs, g_strdup ("log line"));
  g_ptr_array_add (r->limits_hit, g_strdup ("output"));
  for (guint i = 0; i < n_tables; i++)
    {
      g_autofree char *name = g_strdup_printf ("table%u", i);
      g_ptr_array_add (r->tables, make_table (name, n_rows));
    }
  for (guint i = 0; i < n_metrics; i++)
    {
      g_autofree char *name = g_strdup_printf ("metric%u", i);
      v = i == 1 ? NAN : -12.5 * i;
      g_ptr_array_add (r->metrics, wf_metric_new (name, v, i % 2 ? NULL : "USD"));
    }
  param = wf_param_new ("Interest rate", "percent", 7.5);
  param->min = 0;
  param->max = 30;
  g_ptr_array_add (r->params, param);
  chart = wf_chart_new ("line", "Balance");
  g_ptr_array_add (chart->x, g_strdup ("Jan"));
  g_ptr_array_add (chart->x, g_strdup ("Feb"));
  series = wf_series_new ("balance");
  v = 10;
  g_array_append_val (series->values, v);
  v = NAN;
  g_array_append_val (series->values, v);
  g_ptr_array_add (chart->series, series);
  g_ptr_array_add (r->charts, chart);
  run->result = r;

  return run;
}

static WfStore *
open_ok (const char *path)
{
  g_autoptr(GError) error = NULL;
  WfStore *store = wf_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static guint
count_backups (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base, ".bak-v", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix))
      n++;
  return n;
}

static void
test_open_fresh (void)
{
  g_autofree char *base = tmp_db_path ("x");
  g_autofree char *path = g_build_filename (base, "deeper", "whatif.db", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(WfStore) store = open_ok (path);
  g_autofree char *mode = NULL;
  GStatBuf st;
  const char *tables[] = { "sessions", "messages", "runs", "run_tables", "run_metrics",
                           "run_params", "run_charts", "cost_spans", "spend_ledger", "budgets",
                           "models", "telemetry_outbox", "datasets", "meta", "runs_fts" };

  g_assert_cmpint (wf_store_get_schema_version (store), ==, WF_STORE_SCHEMA_VERSION);
  g_assert_cmpstr (wf_store_get_path (store), ==, path);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (sql_int (path, "PRAGMA user_version"), ==, WF_STORE_SCHEMA_VERSION);
  mode = sql_text (path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_master WHERE name = '%s'", tables[i]);
      g_assert_cmpint (sql_int (path, sql), ==, 1);
    }
  /* A fresh database needs no backup. */
  g_assert_cmpuint (count_backups (path), ==, 0);
  g_assert_true (wf_store_check_integrity (store, NULL));
}

static void
test_default_path (void)
{
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "whatif", "whatif.db", NULL);
  g_autofree char *def = NULL;
  g_autofree char *env = NULL;

  g_unsetenv ("WHATIF_DB");
  def = wf_store_dup_default_path ();
  g_assert_cmpstr (def, ==, expected);
  g_setenv ("WHATIF_DB", "/tmp/elsewhere.db", TRUE);
  env = wf_store_dup_default_path ();
  g_assert_cmpstr (env, ==, "/tmp/elsewhere.db");
  g_unsetenv ("WHATIF_DB");
}

static void
test_reopen (void)
{
  g_autofree char *path = tmp_db_path ("whatif.db");
  g_autoptr(GError) error = NULL;
  gint64 session_id = 0;

  {
    g_autoptr(WfStore) store = open_ok (path);
    g_autoptr(WfRun) run = make_run ("can I afford a van loan", 1, 3, 2);

    g_assert_true (wf_store_save_run (store, run, NULL, &error));
    g_assert_no_error (error);
    session_id = run->session_id;
    g_assert_true (wf_store_set_meta (store, "k", "v", &error));
  }
  {
    g_autoptr(WfStore) store = open_ok (path);
    g_autoptr(WfSessionInfo) info = wf_store_get_session (store, session_id, &error);
    g_autofree char *v = wf_store_dup_meta (store, "k", &error);

    g_assert_no_error (error);
    g_assert_cmpuint (info->n_runs, ==, 1);
    g_assert_cmpstr (v, ==, "v");
    g_assert_cmpint (wf_store_count_runs (store, 0, &error), ==, 1);
  }
  /* Reopening an up-to-date database takes no backup. */
  g_assert_cmpuint (count_backups (path), ==, 0);
}

static void
test_migrate_backups (void)
{
  g_autofree char *path = tmp_db_path ("whatif.db");

  /* An old (version 0) database with something in it. */
  sql_exec (path, "CREATE TABLE legacy (x); INSERT INTO legacy VALUES (42);");
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(WfStore) store = open_ok (path);

      g_assert_cmpint (sql_int (path, "PRAGMA user_version"), ==, WF_STORE_SCHEMA_VERSION);
      g_assert_cmpuint (count_backups (path), ==, MIN (i + 1, 3));
      g_clear_object (&store);
      sql_exec (path, "PRAGMA user_version = 0");
      g_usleep (2000);  /* backups are named by time */
    }
  g_assert_cmpint (sql_int (path, "SELECT x FROM legacy"), ==, 42);

  /* The backup is a database holding the old rows. */
  {
    g_autofree char *dir = g_path_get_dirname (path);
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (d)) != NULL)
      if (strstr (name, ".bak-v0-") != NULL)
        {
          g_autofree char *bak = g_build_filename (dir, name, NULL);
          g_assert_cmpint (sql_int (bak, "SELECT x FROM legacy"), ==, 42);
          g_assert_cmpint (sql_int (bak, "PRAGMA user_version"), ==, 0);
        }
  }
}

static void
test_too_new (void)
{
  g_autofree char *path = tmp_db_path ("whatif.db");
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize len_before, len_after;
  WfStore *store;

  sql_exec (path, "CREATE TABLE future (x); PRAGMA user_version = 99;");
  g_assert_true (g_file_get_contents (path, &before, &len_before, NULL));

  store = wf_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, path));

  g_assert_true (g_file_get_contents (path, &after, &len_after, NULL));
  g_assert_cmpmem (before, len_before, after, len_after);
  g_assert_cmpuint (count_backups (path), ==, 0);
}

static void
check_refused_untouched (const char *path,
                         const char *content,
                         gsize       len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  gsize len_after;
  WfStore *store;

  g_assert_true (g_file_set_contents (path, content, (gssize) len, NULL));
  store = wf_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_true (g_file_get_contents (path, &after, &len_after, NULL));
  g_assert_cmpmem (content, len, after, len_after);
}

/* A migration that fails half-way is rolled back whole: the old tables and
 * version stay, nothing of the new schema is left, and the backup is there. */
static void
test_migration_failure (void)
{
  g_autofree char *path = tmp_db_path ("whatif.db");
  g_autoptr(GError) error = NULL;
  WfStore *store;

  /* A "runs" table of someone else's making: the v1 index on runs(session_id)
   * cannot be created on it. */
  sql_exec (path, "CREATE TABLE runs (x); INSERT INTO runs VALUES (1);");
  store = wf_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_MIGRATION);
  g_assert_nonnull (strstr (error->message, path));

  g_assert_cmpint (sql_int (path, "PRAGMA user_version"), ==, 0);
  g_assert_cmpint (sql_int (path, "SELECT count(*) FROM sqlite_master WHERE name = 'sessions'"), ==, 0);
  g_assert_cmpint (sql_int (path, "SELECT x FROM runs"), ==, 1);
  g_assert_cmpuint (count_backups (path), ==, 1);
}

static void
test_odd_paths (void)
{
  g_autofree char *path = tmp_db_path ("whatif.db");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  WfStore *store;

  /* A folder where the file should be. */
  store = wf_store_open (dir, &error);
  g_assert_null (store);
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, dir));
  g_clear_error (&error);

  /* An empty file is a new database: created in place, no backup. */
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  store = wf_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (wf_store_get_schema_version (store), ==, WF_STORE_SCHEMA_VERSION);
  g_object_unref (store);
  g_assert_cmpuint (count_backups (path), ==, 0);
}

static void
test_corrupt (void)
{
  g_autofree char *path = tmp_db_path ("whatif.db");
  g_autofree char *junk = g_malloc (8192);
  const char text[] = "name,amount\nrent,1200\n";

  check_refused_untouched (path, text, sizeof text - 1);

  /* The right magic, then garbage: SQLite itself has to notice. */
  for (guint i = 0; i < 8192; i++)
    junk[i] = (char) g_test_rand_int_range (0, 256);
  memcpy (junk, "SQLite format 3", 16);
  check_refused_untouched (path, junk, 8192);
}

static void
test_unwritable (void)
{
  g_autofree char *base = tmp_db_path ("afile");
  g_autofree char *path = g_build_filename (base, "whatif.db", NULL);
  g_autoptr(GError) error = NULL;
  WfStore *store;

  /* The parent "folder" is a regular file: nothing can be created. */
  g_assert_true (g_file_set_contents (base, "x", 1, NULL));
  store = wf_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));

  if (geteuid () != 0)
    {
      g_autofree char *ro = tmp_db_path ("whatif.db");
      g_autofree char *ro_dir = g_path_get_dirname (ro);
      g_clear_error (&error);
      g_assert_cmpint (g_chmod (ro_dir, 0500), ==, 0);
      store = wf_store_open (ro, &error);
      g_assert_null (store);
      g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_IO);
      g_chmod (ro_dir, 0700);
      g_assert_false (g_file_test (ro, G_FILE_TEST_EXISTS));
    }
  else
    g_test_message ("running as root: the read-only folder case cannot be made here");
}

static void
test_sessions (void)
{
  g_autofree char *path = tmp_db_path ("whatif.db");
  g_autoptr(WfStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(WfRun) run = make_run ("first question", 1, 2, 1);
  g_autoptr(WfLedgerEntry) settle = wf_ledger_entry_new ("run:s1", WF_LEDGER_SETTLE, 500);
  g_autoptr(WfSessionInfo) info = NULL;
  gint64 a = 0, b = 0;
  WfSpendTotals totals;

  g_assert_true (wf_store_create_session (store, "Budget 2025", &a, &error));
  g_usleep (1000);
  g_assert_true (wf_store_create_session (store, "Van", &b, &error));
  g_assert_no_error (error);
  g_assert_cmpint (a, >, 0);
  g_assert_cmpint (b, >, a);

  list = wf_store_list_sessions (store, 0, 10, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (((WfSessionInfo *) g_ptr_array_index (list, 0))->id, ==, b);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Writing a run in session a makes it the most recent. */
  run->session_id = a;
  g_assert_true (wf_store_save_run (store, run, settle, &error));
  g_assert_no_error (error);
  g_assert_cmpint (run->session_id, ==, a);
  list = wf_store_list_sessions (store, 0, 10, &error);
  g_assert_cmpint (((WfSessionInfo *) g_ptr_array_index (list, 0))->id, ==, a);
  g_assert_cmpuint (((WfSessionInfo *) g_ptr_array_index (list, 0))->n_runs, ==, 1);
  g_assert_cmpint (((WfSessionInfo *) g_ptr_array_index (list, 0))->total_micros, ==, 1234);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = wf_store_list_sessions (store, 1, 10, &error);
  g_assert_cmpuint (list->len, ==, 1);

  g_assert_true (wf_store_rename_session (store, b, "Van loan", &error));
  info = wf_store_get_session (store, b, &error);
  g_assert_cmpstr (info->title, ==, "Van loan");
  g_assert_false (wf_store_rename_session (store, 9999, "x", &error));
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (wf_store_get_session (store, 9999, &error));
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  messages = wf_store_list_messages (store, a, &error);
  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpstr (((WfMessage *) g_ptr_array_index (messages, 0))->role, ==, "user");
  g_assert_cmpstr (((WfMessage *) g_ptr_array_index (messages, 0))->content, ==, "first question");
  g_assert_cmpstr (((WfMessage *) g_ptr_array_index (messages, 1))->role, ==, "assistant");
  g_assert_cmpint (((WfMessage *) g_ptr_array_index (messages, 1))->run_id, ==, run->id);

  /* Deleting the session takes its runs and messages, never the spend. */
  g_assert_true (wf_store_delete_session (store, a, &error));
  g_assert_no_error (error);
  g_assert_cmpint (wf_store_count_runs (store, 0, &error), ==, 0);
  g_clear_pointer (&messages, g_ptr_array_unref);
  messages = wf_store_list_messages (store, a, &error);
  g_assert_cmpuint (messages->len, ==, 0);
  g_assert_null (wf_store_load_run (store, run->id, &error));
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (sql_int (path, "SELECT count(*) FROM run_tables"), ==, 0);
  g_assert_cmpint (sql_int (path, "SELECT count(*) FROM cost_spans"), ==, 0);
  g_assert_true (wf_store_ledger_totals (store, 0, G_MAXINT64, 0, 0, &totals, &error));
  g_assert_cmpint (totals.settled_micros, ==, 500);
  g_assert_false (wf_store_delete_session (store, a, &error));
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND);
}

static void
test_run_roundtrip (void)
{
  g_autofree char *path = tmp_db_path ("whatif.db");
  g_autoptr(WfStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRun) run = make_run ("Can I afford a $40k van loan at 7.5% over 5 years?\nThanks", 3, 10, 3);
  g_autoptr(WfRun) back = NULL;
  g_autoptr(WfRun) bare = wf_run_new ();
  g_autoptr(WfRun) bare_back = NULL;
  g_autoptr(WfSessionInfo) info = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(WfLedgerEntry) settle = wf_ledger_entry_new ("run:r1", WF_LEDGER_SETTLE, 1234);
  WfRunResult *r;

  settle->model = g_strdup ("offline/templates");
  g_assert_true (wf_store_save_run (store, run, settle, &error));
  g_assert_no_error (error);
  g_assert_cmpint (run->id, >, 0);
  g_assert_cmpint (run->session_id, >, 0);

  info = wf_store_get_session (store, run->session_id, &error);
  g_assert_cmpstr (info->title, ==, "Can I afford a $40k van loan at 7.5% over 5 years? Thanks");

  back = wf_store_load_run (store, run->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->id, ==, run->id);
  g_assert_cmpint (back->session_id, ==, run->session_id);
  g_assert_cmpint (back->mode, ==, WF_MODE_ASK);
  g_assert_cmpstr (back->language, ==, "python");
  g_assert_cmpstr (back->question, ==, run->question);
  g_assert_cmpstr (back->code, ==, run->code);
  g_assert_cmpstr (back->code_hash, ==, run->code_hash);
  g_assert_cmpstr (back->explanation, ==, run->explanation);
  g_assert_cmpstr (back->answer, ==, run->answer);
  g_assert_cmpint (back->outcome, ==, WF_OUTCOME_ANSWERED);
  g_assert_cmpstr (back->provider, ==, "offline");
  g_assert_cmpstr (back->model, ==, "offline/templates");
  g_assert_cmpstr (back->verdict_json, ==, run->verdict_json);
  g_assert_cmpstr (back->overrides_json, ==, run->overrides_json);
  g_assert_null (back->clarification_json);
  g_assert_cmpuint (back->fixes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (back->fixes, 0), ==, "stripped markdown fence");
  g_assert_cmpint (back->total_micros, ==, 1234);
  g_assert_true (back->cost_estimated);
  g_assert_cmpint (back->created_us, ==, run->created_us);
  g_assert_cmpint (back->finished_us, ==, run->finished_us);

  g_assert_cmpuint (back->spans->len, ==, 2);
  g_assert_cmpstr (((WfCostSpan *) g_ptr_array_index (back->spans, 0))->stage, ==, "generate");
  g_assert_cmpint (((WfCostSpan *) g_ptr_array_index (back->spans, 0))->input_tokens, ==, 120);
  g_assert_true (((WfCostSpan *) g_ptr_array_index (back->spans, 0))->estimated);
  g_assert_cmpfloat (((WfCostSpan *) g_ptr_array_index (back->spans, 1))->sandbox_seconds, ==, 0.25);
  g_assert_cmpint (((WfCostSpan *) g_ptr_array_index (back->spans, 1))->total_micros, ==, 234);

  r = back->result;
  g_assert_nonnull (r);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  g_assert_cmpstr (r->stdout_text, ==, "hello\n");
  g_assert_cmpstr (r->stderr_text, ==, "");
  g_assert_cmpstr (r->backend, ==, "bwrap");
  g_assert_cmpint (r->wall_ms, ==, 120);
  g_assert_cmpint (r->cpu_ms, ==, 80);
  g_assert_cmpint (r->peak_rss_kb, ==, 40000);
  g_assert_true (r->tables_truncated);
  g_assert_false (r->stdout_truncated);
  g_assert_cmpstr (g_ptr_array_index (r->logs, 0), ==, "log line");
  g_assert_cmpstr (g_ptr_array_index (r->limits_hit, 0), ==, "output");
  g_assert_cmpuint (r->tables->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const WfTable *a = g_ptr_array_index (run->result->tables, i);
      const WfTable *b = g_ptr_array_index (r->tables, i);
      g_autoptr(JsonBuilder) ja = json_builder_new ();
      g_autoptr(JsonBuilder) jb = json_builder_new ();
      g_autoptr(JsonNode) na = NULL;
      g_autoptr(JsonNode) nb = NULL;

      wf_table_to_json (a, ja);
      wf_table_to_json (b, jb);
      na = json_builder_get_root (ja);
      nb = json_builder_get_root (jb);
      g_assert_true (json_node_equal (na, nb));
      g_assert_cmpuint (wf_table_get_n_rows (b), ==, 10);
    }
  g_assert_cmpuint (r->metrics->len, ==, 3);
  g_assert_cmpstr (((WfMetric *) g_ptr_array_index (r->metrics, 2))->name, ==, "metric2");
  g_assert_cmpfloat (((WfMetric *) g_ptr_array_index (r->metrics, 2))->value, ==, -25.0);
  g_assert_cmpstr (((WfMetric *) g_ptr_array_index (r->metrics, 2))->unit, ==, "USD");
  g_assert_true (isnan (((WfMetric *) g_ptr_array_index (r->metrics, 1))->value));
  g_assert_null (((WfMetric *) g_ptr_array_index (r->metrics, 1))->unit);
  g_assert_cmpuint (r->params->len, ==, 1);
  g_assert_cmpstr (((WfParam *) g_ptr_array_index (r->params, 0))->label, ==, "Interest rate");
  g_assert_cmpfloat (((WfParam *) g_ptr_array_index (r->params, 0))->max, ==, 30);
  g_assert_true (isnan (((WfParam *) g_ptr_array_index (r->params, 0))->step));
  g_assert_cmpuint (r->charts->len, ==, 1);
  g_assert_cmpstr (((WfChart *) g_ptr_array_index (r->charts, 0))->title, ==, "Balance");

  /* A turn where nothing ran (a clarifying question) keeps result NULL. */
  bare->question = g_strdup ("what if?");
  bare->outcome = WF_OUTCOME_NEEDS_CLARIFICATION;
  bare->message = g_strdup ("Which price?");
  bare->clarification_json = g_strdup ("{\"question\":\"Which price?\",\"options\":[\"a\",\"b\"]}");
  bare->session_id = run->session_id;
  g_assert_true (wf_store_save_run (store, bare, NULL, &error));
  bare_back = wf_store_load_run (store, bare->id, &error);
  g_assert_null (bare_back->result);
  g_assert_cmpint (bare_back->outcome, ==, WF_OUTCOME_NEEDS_CLARIFICATION);
  g_assert_cmpstr (bare_back->clarification_json, ==, bare->clarification_json);

  list = wf_store_list_runs (store, run->session_id, 0, 10, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (((WfRunSummary *) g_ptr_array_index (list, 0))->id, ==, bare->id);
  g_assert_cmpstr (((WfRunSummary *) g_ptr_array_index (list, 0))->answer, ==, "Which price?");
  g_assert_cmpint (((WfRunSummary *) g_ptr_array_index (list, 1))->total_micros, ==, 1234);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = wf_store_list_runs (store, 0, 1, 10, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((WfRunSummary *) g_ptr_array_index (list, 0))->id, ==, run->id);
  g_assert_cmpint (wf_store_count_runs (store, run->session_id, &error), ==, 2);
  g_assert_cmpint (wf_store_count_runs (store, run->session_id + 1, &error), ==, 0);

  /* A missing session is an error, and leaves nothing behind. */
  {
    g_autoptr(WfRun) orphan = make_run ("orphan", 1, 1, 1);
    orphan->session_id = 4242;
    g_assert_false (wf_store_save_run (store, orphan, NULL, &error));
    g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_assert_cmpint (orphan->id, ==, 0);
    g_assert_cmpint (wf_store_count_runs (store, 0, NULL), ==, 2);
  }
}

static void
test_run_one_transaction (void)
{
  g_autofree char *path = tmp_db_path ("whatif.db");
  g_autoptr(WfStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRun) first = make_run ("first", 2, 5, 2);
  g_autoptr(WfRun) second = make_run ("second", 2, 5, 2);
  g_autoptr(WfLedgerEntry) settle = wf_ledger_entry_new ("run:same", WF_LEDGER_SETTLE, 10);
  g_autoptr(GPtrArray) sessions = NULL;

  g_assert_true (wf_store_save_run (store, first, settle, &error));
  g_assert_no_error (error);

  /* The settlement of the second run collides at the very end of the write:
   * everything before it (session, messages, run, tables, spans) must go. */
  g_assert_false (wf_store_save_run (store, second, settle, &error));
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_CONSTRAINT);
  g_assert_cmpint (second->id, ==, 0);
  g_assert_cmpint (second->session_id, ==, 0);
  g_assert_cmpint (wf_store_count_runs (store, 0, NULL), ==, 1);
  sessions = wf_store_list_sessions (store, 0, 0, NULL);
  g_assert_cmpuint (sessions->len, ==, 1);
  g_assert_cmpint (sql_int (path, "SELECT count(*) FROM messages"), ==, 2);
  g_assert_cmpint (sql_int (path, "SELECT count(*) FROM run_tables"), ==, 2);
  g_assert_cmpint (sql_int (path, "SELECT count(*) FROM run_metrics"), ==, 2);
  g_assert_cmpint (sql_int (path, "SELECT count(*) FROM cost_spans"), ==, 2);
  g_assert_cmpint (sql_int (path, "SELECT count(*) FROM spend_ledger"), ==, 1);
  g_assert_true (wf_store_check_integrity (store, NULL));
}

typedef struct
{
  guint    n_runs;
  gboolean fail_at_end;
} TxData;

static gboolean
tx_save_runs (WfStore  *store,
              gpointer  user_data,
              GError  **error)
{
  TxData *data = user_data;

  for (guint i = 0; i < data->n_runs; i++)
    {
      g_autoptr(WfRun) run = make_run ("in a transaction", 1, 2, 1);
      g_autofree char *key = g_strdup_printf ("run:tx%u", i);
      g_autoptr(WfLedgerEntry) e = wf_ledger_entry_new (key, WF_LEDGER_RESERVE, 5);

      if (!wf_store_save_run (store, run, NULL, error) ||
          !wf_store_ledger_append (store, e, error))
        return FALSE;
    }
  if (data->fail_at_end)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "changed my mind");
      return FALSE;
    }
  return TRUE;
}

static void
test_transaction_nesting (void)
{
  g_autofree char *path = tmp_db_path ("whatif.db");
  g_autoptr(WfStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  TxData data = { 3, TRUE };

  g_assert_false (wf_store_transaction (store, tx_save_runs, &data, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (wf_store_count_runs (store, 0, NULL), ==, 0);
  g_assert_cmpint (sql_int (path, "SELECT count(*) FROM spend_ledger"), ==, 0);

  data.fail_at_end = FALSE;
  g_assert_true (wf_store_transaction (store, tx_save_runs, &data, &error));
  g_assert_no_error (error);
  g_assert_cmpint (wf_store_count_runs (store, 0, NULL), ==, 3);
  g_assert_cmpint (sql_int (path, "SELECT count(*) FROM spend_ledger"), ==, 3);

  /* A nested failure (duplicate key) inside a transaction the caller then
   * commits only undoes the failed call. */
  data.n_runs = 1;
  g_assert_false (wf_store_transaction (store, tx_save_runs, &data, &error));
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_CONSTRAINT);
  g_assert_cmpint (wf_store_count_runs (store, 0, NULL), ==, 3);
}

static void
test_search (void)
{
  g_autofree char *path = tmp_db_path ("whatif.db");
  g_autoptr(WfStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  const char *questions[] = {
    "Can I afford a van loan at 7.5%?",
    "What if I raise prices 5% and lose 3% of customers?",
    "How long is my cash runway with 12 employees?",
    "Break-even on a second café location",
  };
  gint64 ids[G_N_ELEMENTS (questions)];

  for (guint i = 0; i < G_N_ELEMENTS (questions); i++)
    {
      g_autoptr(WfRun) run = make_run (questions[i], 0, 0, 0);
      g_assert_true (wf_store_save_run (store, run, NULL, &error));
      ids[i] = run->id;
    }

  hits = wf_store_search_runs (store, "van loan", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (((WfRunSummary *) g_ptr_array_index (hits, 0))->id, ==, ids[0]);
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* Prefix and diacritics: "cafe" finds "café", "custom" finds "customers". */
  hits = wf_store_search_runs (store, "cafe", 10, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (((WfRunSummary *) g_ptr_array_index (hits, 0))->id, ==, ids[3]);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = wf_store_search_runs (store, "custom", 10, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* Answers are indexed too ("The answer to … is 42 dollars"). */
  hits = wf_store_search_runs (store, "dollars", 2, &error);
  g_assert_cmpuint (hits->len, ==, 2);
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* FTS syntax in what a person typed is just text. */
  hits = wf_store_search_runs (store, "\"van\" OR NEAR( -loan* ) AND \"", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = wf_store_search_runs (store, "  ;; ", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* Deleted runs leave the index. */
  {
    g_autoptr(WfRun) run = wf_store_load_run (store, ids[0], &error);
    g_assert_true (wf_store_delete_session (store, run->session_id, &error));
  }
  hits = wf_store_search_runs (store, "van", 10, &error);
  g_assert_cmpuint (hits->len, ==, 0);
  g_assert_true (wf_store_check_integrity (store, NULL));
}

static void
append (WfStore      *store,
        const char   *key,
        WfLedgerKind  kind,
        gint64        amount,
        gint64        created_us,
        gint64        expires_us,
        gint64        session_id,
        const char   *model,
        gboolean      estimated)
{
  g_autoptr(WfLedgerEntry) e = wf_ledger_entry_new (key, kind, amount);
  g_autoptr(GError) error = NULL;

  e->created_us = created_us;
  e->expires_us = expires_us;
  e->session_id = session_id;
  e->model = g_strdup (model);
  e->estimated = estimated;
  g_assert_true (wf_store_ledger_append (store, e, &error));
  g_assert_no_error (error);
  g_assert_cmpint (e->id, >, 0);
}

static void
test_ledger (void)
{
  g_autofree char *path = tmp_db_path ("whatif.db");
  g_autoptr(WfStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(WfLedgerEntry) dup = wf_ledger_entry_new ("run:a", WF_LEDGER_SETTLE, 1);
  g_autoptr(WfLedgerEntry) neg = wf_ledger_entry_new ("run:neg", WF_LEDGER_SETTLE, 1);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  WfSpendTotals t;
  const gint64 T = G_GINT64_CONSTANT (1700000000000000);

  /* a: reserved then settled. b: reserved, still open. c: reserved, released.
   * d: reserved, expired at T+50. e: settled in session 7, estimated. f: outside. */
  append (store, "run:a", WF_LEDGER_RESERVE, 100, T + 1, T + 1000, 0, NULL, FALSE);
  append (store, "run:a", WF_LEDGER_SETTLE, 80, T + 2, 0, 0, "m1", FALSE);
  append (store, "run:b", WF_LEDGER_RESERVE, 200, T + 3, T + 1000, 0, NULL, FALSE);
  append (store, "run:c", WF_LEDGER_RESERVE, 300, T + 4, T + 1000, 0, NULL, FALSE);
  append (store, "run:c", WF_LEDGER_RELEASE, 0, T + 5, 0, 0, NULL, FALSE);
  append (store, "run:d", WF_LEDGER_RESERVE, 400, T + 6, T + 50, 7, NULL, FALSE);
  append (store, "run:e", WF_LEDGER_SETTLE, 500, T + 7, 0, 7, "m2", TRUE);
  append (store, "run:f", WF_LEDGER_SETTLE, 600, T + 500, 0, 0, "m1", FALSE);

  g_assert_false (wf_store_ledger_append (store, dup, &error));
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  {
    g_autofree char *long_key = g_strnfill (300, 'k');
    g_autoptr(WfLedgerEntry) e = wf_ledger_entry_new (long_key, WF_LEDGER_SETTLE, 1);
    g_autoptr(WfLedgerEntry) empty = wf_ledger_entry_new ("", WF_LEDGER_SETTLE, 1);
    g_assert_false (wf_store_ledger_append (store, e, &error));
    g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (wf_store_ledger_append (store, empty, &error));
    g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID);
    g_clear_error (&error);
  }
  neg->amount_micros = -5;
  g_assert_false (wf_store_ledger_append (store, neg, &error));
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (wf_store_ledger_totals (store, T, T + 100, 0, T + 10, &t, &error));
  g_assert_cmpint (t.settled_micros, ==, 580);
  g_assert_cmpint (t.reserved_micros, ==, 600);     /* b + d */
  g_assert_cmpuint (t.n_settled, ==, 2);
  g_assert_cmpuint (t.n_estimated, ==, 1);

  /* d expires */
  g_assert_true (wf_store_ledger_totals (store, T, T + 100, 0, T + 50, &t, &error));
  g_assert_cmpint (t.reserved_micros, ==, 200);

  /* session filter */
  g_assert_true (wf_store_ledger_totals (store, T, T + 100, 7, T + 10, &t, &error));
  g_assert_cmpint (t.settled_micros, ==, 500);
  g_assert_cmpint (t.reserved_micros, ==, 400);

  /* the whole window */
  g_assert_true (wf_store_ledger_totals (store, 0, G_MAXINT64, 0, T + 10, &t, &error));
  g_assert_cmpint (t.settled_micros, ==, 1180);

  list = wf_store_ledger_list (store, T, T + 100, &error);
  g_assert_cmpuint (list->len, ==, 7);
  g_assert_cmpstr (((WfLedgerEntry *) g_ptr_array_index (list, 0))->run_key, ==, "run:a");
  g_assert_cmpint (((WfLedgerEntry *) g_ptr_array_index (list, 0))->kind, ==, WF_LEDGER_RESERVE);
  g_assert_cmpint (((WfLedgerEntry *) g_ptr_array_index (list, 0))->expires_us, ==, T + 1000);
  g_assert_cmpint (((WfLedgerEntry *) g_ptr_array_index (list, 6))->session_id, ==, 7);
  g_assert_true (((WfLedgerEntry *) g_ptr_array_index (list, 6))->estimated);

  rows = wf_store_spend_report (store, WF_SPEND_BY_MODEL, 0, G_MAXINT64, &error);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (((WfSpendRow *) g_ptr_array_index (rows, 0))->key, ==, "m1");
  g_assert_cmpint (((WfSpendRow *) g_ptr_array_index (rows, 0))->micros, ==, 680);
  g_assert_cmpuint (((WfSpendRow *) g_ptr_array_index (rows, 0))->n_entries, ==, 2);
  g_assert_cmpint (((WfSpendRow *) g_ptr_array_index (rows, 1))->estimated_micros, ==, 500);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = wf_store_spend_report (store, WF_SPEND_BY_DAY, 0, G_MAXINT64, &error);
  g_assert_cmpuint (rows->len, ==, 1);
  {
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (T / G_USEC_PER_SEC);
    g_autofree char *day = g_date_time_format (dt, "%Y-%m-%d");
    g_assert_cmpstr (((WfSpendRow *) g_ptr_array_index (rows, 0))->key, ==, day);
  }
  g_assert_cmpint (((WfSpendRow *) g_ptr_array_index (rows, 0))->micros, ==, 1180);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = wf_store_spend_report (store, WF_SPEND_BY_MONTH, 0, G_MAXINT64, &error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpuint (strlen (((WfSpendRow *) g_ptr_array_index (rows, 0))->key), ==, 7);

  /* Append-only, even for someone with SQL. */
  {
    sqlite3 *db = NULL;
    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "UPDATE spend_ledger SET amount_micros = 0", NULL, NULL, NULL), !=, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "DELETE FROM spend_ledger", NULL, NULL, NULL), !=, SQLITE_OK);
    sqlite3_close (db);
  }
  g_assert_cmpint (sql_int (path, "SELECT count(*) FROM spend_ledger"), ==, 8);
}

static void
test_budgets_models_meta (void)
{
  g_autofree char *path = tmp_db_path ("whatif.db");
  g_autoptr(WfStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_model_info_free);
  g_autoptr(GPtrArray) back = NULL;
  WfBudgetLimits limits;
  WfBudgetLimits bad = { 1, 1, 1, 0.99, 0.5 };
  WfModelInfo *m;
  char *v;

  g_assert_true (wf_store_get_budget_limits (store, &limits, &error));
  g_assert_cmpint (limits.monthly_micros, ==, -1);
  g_assert_cmpfloat (limits.warn_ratio, ==, 0.80);
  limits.monthly_micros = 50 * WF_MICROS_PER_USD;
  limits.run_micros = 100000;
  g_assert_true (wf_store_set_budget_limits (store, &limits, &error));
  memset (&limits, 0, sizeof limits);
  g_assert_true (wf_store_get_budget_limits (store, &limits, &error));
  g_assert_cmpint (limits.monthly_micros, ==, 50 * WF_MICROS_PER_USD);
  g_assert_cmpint (limits.session_micros, ==, -1);
  g_assert_cmpint (limits.run_micros, ==, 100000);
  g_assert_cmpfloat (limits.degrade_ratio, ==, 0.95);
  g_assert_false (wf_store_set_budget_limits (store, &bad, &error));
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID);
  g_clear_error (&error);

  m = wf_model_info_new ("openai/gpt-4o-mini", "openrouter");
  m->name = g_strdup ("GPT-4o mini");
  m->input_micros_per_mtok = 150000;
  m->output_micros_per_mtok = 600000;
  m->context_length = 128000;
  g_ptr_array_add (models, m);
  g_ptr_array_add (models, wf_model_info_new ("command-r", "cohere"));
  g_assert_true (wf_store_upsert_models (store, models, &error));
  m->input_micros_per_mtok = 1;   /* upsert replaces */
  g_assert_true (wf_store_upsert_models (store, models, &error));
  back = wf_store_list_models (store, NULL, &error);
  g_assert_cmpuint (back->len, ==, 2);
  g_clear_pointer (&back, g_ptr_array_unref);
  back = wf_store_list_models (store, "openrouter", &error);
  g_assert_cmpuint (back->len, ==, 1);
  m = g_ptr_array_index (back, 0);
  g_assert_cmpstr (m->name, ==, "GPT-4o mini");
  g_assert_cmpint (m->input_micros_per_mtok, ==, 1);
  g_assert_cmpint (m->context_length, ==, 128000);
  g_assert_cmpint (m->fetched_us, >, 0);

  g_assert_null (wf_store_dup_meta (store, "missing", &error));
  g_assert_no_error (error);
  g_assert_true (wf_store_set_meta (store, "catalogue_refreshed", "123", &error));
  g_assert_true (wf_store_set_meta (store, "catalogue_refreshed", "456", &error));
  v = wf_store_dup_meta (store, "catalogue_refreshed", &error);
  g_assert_cmpstr (v, ==, "456");
  g_free (v);
  g_assert_true (wf_store_set_meta (store, "catalogue_refreshed", NULL, &error));
  g_assert_null (wf_store_dup_meta (store, "catalogue_refreshed", &error));
}

static void
test_outbox (void)
{
  g_autofree char *path = tmp_db_path ("whatif.db");
  g_autoptr(WfStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) due = NULL;
  gint64 a, b;
  gint64 now = g_get_real_time ();

  g_assert_true (wf_store_outbox_add (store, "{\"span\":1}", &a, &error));
  g_assert_true (wf_store_outbox_add (store, "{\"span\":2}", &b, &error));
  g_assert_cmpint (wf_store_outbox_count (store, &error), ==, 2);
  due = wf_store_outbox_due (store, now + G_USEC_PER_SEC, 10, &error);
  g_assert_cmpuint (due->len, ==, 2);
  g_assert_cmpint (((WfOutboxItem *) g_ptr_array_index (due, 0))->id, ==, a);
  g_clear_pointer (&due, g_ptr_array_unref);

  g_assert_true (wf_store_outbox_defer (store, a, now + 60 * G_USEC_PER_SEC, "{\"span\":\"rest\"}", &error));
  due = wf_store_outbox_due (store, now + G_USEC_PER_SEC, 10, &error);
  g_assert_cmpuint (due->len, ==, 1);
  g_assert_cmpint (((WfOutboxItem *) g_ptr_array_index (due, 0))->id, ==, b);
  g_clear_pointer (&due, g_ptr_array_unref);
  due = wf_store_outbox_due (store, now + 120 * G_USEC_PER_SEC, 1, &error);
  g_assert_cmpuint (due->len, ==, 1);
  g_assert_cmpstr (((WfOutboxItem *) g_ptr_array_index (due, 0))->payload, ==, "{\"span\":\"rest\"}");
  g_assert_cmpuint (((WfOutboxItem *) g_ptr_array_index (due, 0))->attempts, ==, 1);

  g_assert_true (wf_store_outbox_delete (store, a, &error));
  g_assert_false (wf_store_outbox_delete (store, a, &error));
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND);
  g_assert_cmpint (wf_store_outbox_count (store, NULL), ==, 1);
}

static void
test_datasets (void)
{
  g_autofree char *path = tmp_db_path ("whatif.db");
  g_autoptr(WfStore) store = open_ok (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(WfDataset) d = wf_dataset_new ("sales");
  g_autoptr(WfDataset) d2 = wf_dataset_new ("sales");
  g_autoptr(WfDataset) got = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *wb = wf_store_dup_workbook_path (store);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *wb_dir = g_path_get_dirname (wb);

  g_assert_cmpstr (wb_dir, ==, dir);
  g_assert_cmpstr (wb, !=, path);

  d->file_name = g_strdup ("Sales 2024.csv");
  d->table_name = g_strdup ("ds_sales");
  d->n_rows = 1200;
  d->columns_json = g_strdup ("[{\"name\":\"month\",\"type\":\"date\"}]");
  g_assert_true (wf_store_add_dataset (store, d, &error));
  g_assert_cmpint (d->id, >, 0);
  g_assert_false (wf_store_add_dataset (store, d2, &error));
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  got = wf_store_get_dataset (store, "sales", &error);
  g_assert_cmpstr (got->file_name, ==, "Sales 2024.csv");
  g_assert_cmpint (got->n_rows, ==, 1200);
  g_assert_cmpstr (got->columns_json, ==, d->columns_json);
  g_assert_true (wf_store_rename_dataset (store, "sales", "revenue", &error));
  g_assert_null (wf_store_get_dataset (store, "sales", &error));
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (wf_store_rename_dataset (store, "revenue", "", &error));
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID);
  g_clear_error (&error);
  list = wf_store_list_datasets (store, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((WfDataset *) g_ptr_array_index (list, 0))->name, ==, "revenue");
  g_assert_true (wf_store_delete_dataset (store, "revenue", &error));
  g_assert_false (wf_store_delete_dataset (store, "revenue", &error));
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND);
}

/* The crash test: a child writes runs as fast as it can and is killed with
 * SIGKILL at a random moment. Every run found afterwards must be whole. */

#define CRASH_TABLES(i)  (1 + (i) % 3)
#define CRASH_METRICS(i) (1 + (i) % 4)

static void
crash_writer (const char *path,
              int         ready_fd)
{
  g_autoptr(WfStore) store = wf_store_open (path, NULL);

  if (store == NULL)
    _exit (3);
  for (guint i = 0; ; i++)
    {
      g_autofree char *q = g_strdup_printf ("crash run %u", i);
      g_autofree char *key = g_strdup_printf ("run:crash:%u:%d", i, (int) getpid ());
      g_autoptr(WfRun) run = make_run (q, CRASH_TABLES (i), 150, CRASH_METRICS (i));
      g_autoptr(WfLedgerEntry) settle = wf_ledger_entry_new (key, WF_LEDGER_SETTLE, 7);

      if (!wf_store_save_run (store, run, settle, NULL))
        _exit (4);
      /* Tell the parent the first run is in, so the kill lands mid-stream
       * even on a slow (sanitizer) build. */
      if (i == 0 && (write (ready_fd, "r", 1) != 1 || close (ready_fd) != 0))
        _exit (5);
    }
}

static void
test_crash_sigkill (void)
{
  g_autofree char *path = tmp_db_path ("whatif.db");

  for (guint round = 0; round < 4; round++)
    {
      g_autoptr(WfStore) store = NULL;
      g_autoptr(GPtrArray) runs = NULL;
      g_autoptr(GError) error = NULL;
      int status = 0;
      int fds[2];
      char byte;
      pid_t pid;

      g_assert_cmpint (pipe (fds), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (fds[0]);
          crash_writer (path, fds[1]);
        }
      close (fds[1]);
      g_assert_cmpint (read (fds[0], &byte, 1), ==, 1);
      close (fds[0]);

      g_usleep (g_test_rand_int_range (20, 300) * 1000);
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status));

      store = open_ok (path);
      g_assert_true (wf_store_check_integrity (store, &error));
      g_assert_no_error (error);
      runs = wf_store_list_runs (store, 0, 0, 0, &error);
      g_assert_no_error (error);
      g_test_message ("round %u: %u runs after the kill", round, runs->len);
      g_assert_cmpuint (runs->len, >, 0);

      for (guint k = 0; k < runs->len; k++)
        {
          const WfRunSummary *s = g_ptr_array_index (runs, k);
          g_autoptr(WfRun) run = wf_store_load_run (store, s->id, &error);
          g_autoptr(GPtrArray) messages = NULL;
          guint i;

          g_assert_no_error (error);
          g_assert_true (sscanf (run->question, "crash run %u", &i) == 1);
          g_assert_nonnull (run->result);
          g_assert_cmpuint (run->result->tables->len, ==, CRASH_TABLES (i));
          g_assert_cmpuint (run->result->metrics->len, ==, CRASH_METRICS (i));
          g_assert_cmpuint (wf_table_get_n_rows (g_ptr_array_index (run->result->tables, 0)), ==, 150);
          g_assert_cmpuint (run->spans->len, ==, 2);
          messages = wf_store_list_messages (store, run->session_id, &error);
          g_assert_cmpuint (messages->len, ==, 2);
        }
      /* One settlement per run, no more, no less. */
      {
        WfSpendTotals t;
        g_assert_true (wf_store_ledger_totals (store, 0, G_MAXINT64, 0, 0, &t, &error));
        g_assert_cmpuint (t.n_settled, ==, runs->len);
      }
    }
}

/* Disk full, made real: a child lowers its file size limit (RLIMIT_FSIZE)
 * so that SQLite's writes fail with EFBIG part-way through a big run. The
 * write must fail with an I/O error and leave nothing of the run behind. */
static void
test_disk_full (void)
{
  g_autofree char *path = tmp_db_path ("whatif.db");
  int status = 0;
  pid_t pid;

  {
    g_autoptr(WfStore) store = open_ok (path);
    g_autoptr(WfRun) run = make_run ("before the disk filled up", 1, 5, 1);
    g_assert_true (wf_store_save_run (store, run, NULL, NULL));
  }

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      struct rlimit lim = { 256 * 1024, 256 * 1024 };
      g_autoptr(GError) error = NULL;
      g_autoptr(WfStore) store = wf_store_open (path, NULL);
      g_autoptr(WfRun) big = make_run ("a run too big for the disk", 3, 20000, 2);

      if (store == NULL)
        _exit (10);
      signal (SIGXFSZ, SIG_IGN);
      if (setrlimit (RLIMIT_FSIZE, &lim) != 0)
        _exit (11);
      if (wf_store_save_run (store, big, NULL, &error))
        _exit (12);
      if (!g_error_matches (error, WF_STORE_ERROR, WF_STORE_ERROR_IO))
        {
          g_printerr ("unexpected error: %s\n", error->message);
          _exit (13);
        }
      if (strstr (error->message, path) == NULL)
        _exit (14);
      _exit (0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);

  {
    g_autoptr(WfStore) store = open_ok (path);
    g_autoptr(GPtrArray) runs = wf_store_list_runs (store, 0, 0, 0, NULL);
    g_autoptr(GPtrArray) sessions = wf_store_list_sessions (store, 0, 0, NULL);

    g_assert_true (wf_store_check_integrity (store, NULL));
    g_assert_cmpuint (runs->len, ==, 1);
    g_assert_cmpstr (((WfRunSummary *) g_ptr_array_index (runs, 0))->question, ==, "before the disk filled up");
    g_assert_cmpuint (sessions->len, ==, 1);
  }
}

typedef struct
{
  const char *path;
  guint       n;
  gboolean    ok;
} WriterData;

static gboolean
reserve_then_settle (WfStore  *store,
                     gpointer  user_data,
                     GError  **error)
{
  WfRun *run = user_data;
  g_autofree char *key = g_strdup_printf ("run:%p:%" G_GINT64_FORMAT, (void *) run, g_get_monotonic_time ());
  g_autoptr(WfLedgerEntry) reserve = wf_ledger_entry_new (key, WF_LEDGER_RESERVE, 10);
  g_autoptr(WfLedgerEntry) settle = wf_ledger_entry_new (key, WF_LEDGER_SETTLE, 9);

  return wf_store_ledger_append (store, reserve, error) &&
         wf_store_save_run (store, run, settle, error);
}

static gpointer
writer_thread (gpointer user_data)
{
  WriterData *data = user_data;
  g_autoptr(WfStore) store = wf_store_open (data->path, NULL);

  data->ok = store != NULL;
  for (guint i = 0; data->ok && i < data->n; i++)
    {
      g_autoptr(WfRun) run = make_run ("concurrent", 1, 20, 1);
      g_autoptr(GError) error = NULL;

      data->ok = wf_store_transaction (store, reserve_then_settle, run, &error);
      if (error)
        g_printerr ("writer: %s\n", error->message);
    }
  return NULL;
}

/* Two connections (as the app's worker and the CLI would be) write at once:
 * BEGIN IMMEDIATE and the busy timeout serialise them without errors. */
static void
test_concurrent_writers (void)
{
  g_autofree char *path = tmp_db_path ("whatif.db");
  WriterData a = { path, 40, FALSE }, b = { path, 40, FALSE };
  GThread *ta, *tb;
  WfSpendTotals t;

  /* Both threads open an existing database; racing first opens are the
   * migration's own business (it re-reads the version under the lock). */
  g_object_unref (open_ok (path));
  ta = g_thread_new ("writer-a", writer_thread, &a);
  tb = g_thread_new ("writer-b", writer_thread, &b);
  g_thread_join (ta);
  g_thread_join (tb);
  g_assert_true (a.ok);
  g_assert_true (b.ok);

  {
    g_autoptr(WfStore) store = open_ok (path);
    g_assert_cmpint (wf_store_count_runs (store, 0, NULL), ==, 80);
    g_assert_true (wf_store_ledger_totals (store, 0, G_MAXINT64, 0, g_get_real_time (), &t, NULL));
    g_assert_cmpint (t.settled_micros, ==, 80 * 9);
    g_assert_cmpint (t.reserved_micros, ==, 0);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/open/fresh", test_open_fresh);
  g_test_add_func ("/store/open/default-path", test_default_path);
  g_test_add_func ("/store/open/reopen", test_reopen);
  g_test_add_func ("/store/open/migrate-backups", test_migrate_backups);
  g_test_add_func ("/store/open/too-new", test_too_new);
  g_test_add_func ("/store/open/corrupt", test_corrupt);
  g_test_add_func ("/store/open/odd-paths", test_odd_paths);
  g_test_add_func ("/store/open/migration-failure", test_migration_failure);
  g_test_add_func ("/store/open/unwritable", test_unwritable);
  g_test_add_func ("/store/sessions", test_sessions);
  g_test_add_func ("/store/runs/roundtrip", test_run_roundtrip);
  g_test_add_func ("/store/runs/one-transaction", test_run_one_transaction);
  g_test_add_func ("/store/runs/transaction-nesting", test_transaction_nesting);
  g_test_add_func ("/store/runs/search", test_search);
  g_test_add_func ("/store/ledger", test_ledger);
  g_test_add_func ("/store/budgets-models-meta", test_budgets_models_meta);
  g_test_add_func ("/store/outbox", test_outbox);
  g_test_add_func ("/store/datasets", test_datasets);
  g_test_add_func ("/store/crash/sigkill", test_crash_sigkill);
  g_test_add_func ("/store/crash/disk-full", test_disk_full);
  g_test_add_func ("/store/concurrent-writers", test_concurrent_writers);

  return g_test_run ();
}
