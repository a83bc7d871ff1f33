/* test-cli.c: the built whatif-cli against a fresh and a seeded database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the real binary ($WHATIF_CLI) with GSubprocess, no shell, and parses
 * what it prints back.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "wf-sandbox.h"
#include "wf-store.h"

typedef struct
{
  int        status;
  char      *out;
  char      *err;
  JsonNode  *json;    /* stdout parsed, when it is JSON */
} CliResult;

static void
cli_result_free (CliResult *r)
{
  g_free (r->out);
  g_free (r->err);
  g_clear_pointer (&r->json, json_node_unref);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliResult, cli_result_free)

static CliResult *
run_cli_env (const char         *db_env,
             const char * const *args)
{
  const char *cli = g_getenv ("WHATIF_CLI");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  CliResult *r = g_new0 (CliResult, 1);

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (db_env)
    g_subprocess_launcher_setenv (launcher, "WHATIF_DB", db_env, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "WHATIF_DB");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  r->status = g_subprocess_get_exit_status (proc);

  if (r->out != NULL && *r->out != '\0' && json_parser_load_from_data (parser, r->out, -1, NULL))
    r->json = json_node_copy (json_parser_get_root (parser));
  return r;
}

#define run_cli(...) run_cli_env (NULL, (const char *[]) { __VA_ARGS__, NULL })

/* --json output must be exactly one JSON document and a newline. */
static void
assert_one_document (const CliResult *r)
{
  guint n_lines = 0;

  g_assert_nonnull (r->json);
  for (const char *p = r->out; *p; p++)
    n_lines += *p == '\n';
  g_assert_cmpuint (n_lines, ==, 1);
  g_assert_true (g_str_has_suffix (r->out, "\n"));
}

static char *
fresh_db (const char *name)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  return g_build_filename (g_get_user_data_dir (), name, NULL);
}

static WfRun *
seeded_run (const char *question,
            const char *model,
            gint64      micros)
{
  WfRun *run = wf_run_new ();
  WfTable *t = wf_table_new ("schedule");
  JsonArray *row;

  run->question = g_strdup (question);
  run->answer = g_strdup_printf ("Answer about %s", question);
  run->language = g_strdup ("python");
  run->code = g_strdup ("import whatif as wf\n");
  run->model = g_strdup (model);
  run->provider = g_strdup ("openrouter");
  run->total_micros = micros;
  run->result = wf_run_result_new ();
  g_ptr_array_add (t->columns, g_strdup ("month"));
  g_ptr_array_add (t->columns, g_strdup ("balance"));
  for (int i = 1; i <= 3; i++)
    {
      row = json_array_new ();
      json_array_add_int_element (row, i);
      json_array_add_double_element (row, -100.5 * i);
      json_array_add_array_element (t->rows, row);
    }
  row = json_array_new ();
  json_array_add_string_element (row, "=SUM(A1:A9)");
  json_array_add_null_element (row);
  json_array_add_array_element (t->rows, row);
  g_ptr_array_add (run->result->tables, t);
  g_ptr_array_add (run->result->metrics, wf_metric_new ("monthly_payment", 801.5, "USD"));
  return run;
}

static gint64
seed (const char *path,
      gint64     *out_ids)
{
  g_autoptr(WfStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *questions[] = { "van loan at 7.5%", "raise prices 5%", "cash runway" };
  const char *models[] = { "m/cheap", "m/big", "m/cheap" };
  gint64 total = 0;

  store = wf_store_open (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(WfRun) run = seeded_run (questions[i], models[i], 1000 * (i + 1));
      g_autofree char *key = g_strdup_printf ("run:seed:%u", i);
      g_autoptr(WfLedgerEntry) settle = wf_ledger_entry_new (key, WF_LEDGER_SETTLE, 1000 * (i + 1));

      settle->model = g_strdup (models[i]);
      g_assert_true (wf_store_save_run (store, run, settle, &error));
      g_assert_no_error (error);
      out_ids[i] = run->id;
      total += 1000 * (i + 1);
    }
  return total;
}

static void
test_fresh (void)
{
  g_autofree char *db = fresh_db ("fresh.db");
  g_autoptr(CliResult) r = NULL;
  g_autofree char *csv = g_build_filename (g_get_user_data_dir (), "x.csv", NULL);

  r = run_cli ("history", "--json", "--db", db);
  g_assert_cmpint (r->status, ==, 0);
  assert_one_document (r);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (r->json));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (r->json)), ==, 0);
  g_clear_pointer (&r, cli_result_free);

  r = run_cli ("history", "--db", db);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_nonnull (strstr (r->out, "No runs"));
  g_clear_pointer (&r, cli_result_free);

  r = run_cli ("spend", "--json", "--db", db);
  g_assert_cmpint (r->status, ==, 0);
  assert_one_document (r);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (r->json), "settled_micros"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (r->json), "by_day")), ==, 0);
  g_clear_pointer (&r, cli_result_free);

  r = run_cli ("show", "1", "--json", "--db", db);
  g_assert_cmpint (r->status, ==, 1);
  assert_one_document (r);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (r->json), "ok"));
  g_assert_nonnull (strstr (json_object_get_string_member (json_node_get_object (r->json), "error"), "no run 1"));
  g_clear_pointer (&r, cli_result_free);

  r = run_cli ("export", "1", "--csv", csv, "--db", db);
  g_assert_cmpint (r->status, ==, 1);
  g_assert_nonnull (strstr (r->err, "no run 1"));
  g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));
}

static void
test_usage (void)
{
  g_autofree char *db = fresh_db ("usage.db");
  const char *const *cases[] = {
    (const char *[]) { "nonsense", NULL },
    (const char *[]) { "history", "extra", NULL },
    (const char *[]) { "history", "--limit", "0", NULL },
    (const char *[]) { "history", "--no-such-option", NULL },
    (const char *[]) { "show", NULL },
    (const char *[]) { "show", "abc", NULL },
    (const char *[]) { "show", "-5", NULL },
    (const char *[]) { "show", "1", "2", NULL },
    (const char *[]) { "export", "1", NULL },
    (const char *[]) { "export", "--csv", "x.csv", NULL },
    (const char *[]) { "spend", "--month", "2025-13", NULL },
    (const char *[]) { "spend", "--month", "March", NULL },
  };
  const char *helps[] = { "history", "show", "spend", "export" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CliResult) r = run_cli_env (db, cases[i]);
      g_test_message ("case %u: %s -> %d", i, cases[i][0], r->status);
      g_assert_cmpint (r->status, ==, 2);
    }
  for (guint i = 0; i < G_N_ELEMENTS (helps); i++)
    {
      g_autoptr(CliResult) r = run_cli (helps[i], "--help");
      g_assert_cmpint (r->status, ==, 0);
      g_assert_nonnull (strstr (r->out, "--json"));
    }
  {
    g_autoptr(CliResult) r = run_cli ("--help");
    g_assert_cmpint (r->status, ==, 0);
    g_assert_nonnull (strstr (r->out, "history"));
    g_assert_nonnull (strstr (r->out, "export"));
  }
  /* No database was created by usage errors. */
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
}

static void
test_seeded (void)
{
  g_autofree char *db = fresh_db ("seeded.db");
  g_autofree char *csv = g_build_filename (g_get_user_data_dir (), "out.csv", NULL);
  g_autofree char *metrics_csv = g_build_filename (g_get_user_data_dir (), "metrics.csv", NULL);
  g_autofree char *md = g_build_filename (g_get_user_data_dir (), "report.md", NULL);
  g_autofree char *json_file = g_build_filename (g_get_user_data_dir (), "run.json", NULL);
  g_autofree char *session_dir = g_build_filename (g_get_user_data_dir (), "session", NULL);
  g_autofree char *summary = g_build_filename (session_dir, "summary.csv", NULL);
  g_autoptr(CliResult) r = NULL;
  g_autofree char *id = NULL;
  g_autofree char *content = NULL;
  gint64 ids[3];
  gint64 total = seed (db, ids);
  JsonArray *array;
  JsonObject *o;

  r = run_cli ("history", "--json", "--db", db);
  g_assert_cmpint (r->status, ==, 0);
  assert_one_document (r);
  array = json_node_get_array (r->json);
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  o = json_array_get_object_element (array, 0);
  g_assert_cmpint (json_object_get_int_member (o, "run_id"), ==, ids[2]);
  g_assert_cmpstr (json_object_get_string_member (o, "question"), ==, "cash runway");
  g_assert_cmpstr (json_object_get_string_member (o, "outcome"), ==, "answered");
  g_assert_cmpint (json_object_get_int_member (o, "cost_micros"), ==, 3000);
  g_clear_pointer (&r, cli_result_free);

  r = run_cli ("history", "--json", "--limit", "1", "--offset", "1", "--db", db);
  array = json_node_get_array (r->json);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 0), "run_id"), ==, ids[1]);
  g_clear_pointer (&r, cli_result_free);

  r = run_cli ("history", "--json", "--search", "van", "--db", db);
  array = json_node_get_array (r->json);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 0), "run_id"), ==, ids[0]);
  g_clear_pointer (&r, cli_result_free);

  r = run_cli ("history", "--db", db);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_nonnull (strstr (r->out, "raise prices 5%"));
  g_clear_pointer (&r, cli_result_free);

  id = g_strdup_printf ("%" G_GINT64_FORMAT, ids[0]);
  r = run_cli ("show", id, "--json", "--db", db);
  g_assert_cmpint (r->status, ==, 0);
  assert_one_document (r);
  o = json_node_get_object (r->json);
  g_assert_cmpint (json_object_get_int_member (o, "run_id"), ==, ids[0]);
  g_assert_cmpstr (json_object_get_string_member (o, "question"), ==, "van loan at 7.5%");
  o = json_object_get_object_member (o, "result");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "tables")), ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (
                       json_object_get_array_member (o, "metrics"), 0), "value"), ==, 801.5);
  g_clear_pointer (&r, cli_result_free);

  r = run_cli ("show", id, "--db", db);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_nonnull (strstr (r->out, "van loan at 7.5%"));
  g_assert_nonnull (strstr (r->out, "monthly_payment"));
  g_clear_pointer (&r, cli_result_free);

  r = run_cli ("spend", "--json", "--db", db);
  g_assert_cmpint (r->status, ==, 0);
  assert_one_document (r);
  o = json_node_get_object (r->json);
  g_assert_cmpint (json_object_get_int_member (o, "settled_micros"), ==, total);
  g_assert_cmpint (json_object_get_int_member (o, "n_settled"), ==, 3);
  array = json_object_get_array_member (o, "by_model");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "key"), ==, "m/big");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 1), "micros"), ==, 4000);
  g_clear_pointer (&r, cli_result_free);

  /* Another month has nothing. */
  r = run_cli ("spend", "--json", "--month", "2001-01", "--db", db);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (r->json), "settled_micros"), ==, 0);
  g_clear_pointer (&r, cli_result_free);

  r = run_cli ("spend", "--db", db);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_nonnull (strstr (r->out, "m/cheap"));
  g_clear_pointer (&r, cli_result_free);

  r = run_cli ("export", id, "--csv", csv, "--bom", "--json", "--db", db);
  g_assert_cmpint (r->status, ==, 0);
  assert_one_document (r);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (r->json), "ok"));
  g_assert_true (g_file_get_contents (csv, &content, NULL, NULL));
  g_assert_cmpstr (content, ==, "\xEF\xBB\xBF" "month,balance\r\n1,-100.5\r\n2,-201\r\n3,-301.5\r\n'=SUM(A1:A9),\r\n");
  g_clear_pointer (&content, g_free);
  g_clear_pointer (&r, cli_result_free);

  r = run_cli ("export", id, "--csv", metrics_csv, "--table", "metrics", "--db", db);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_true (g_file_get_contents (metrics_csv, &content, NULL, NULL));
  g_assert_cmpstr (content, ==, "name,value,unit\r\nmonthly_payment,801.5,USD\r\n");
  g_clear_pointer (&content, g_free);
  g_clear_pointer (&r, cli_result_free);

  r = run_cli ("export", id, "--csv", "-", "--db", db);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "month,balance\r\n1,-100.5\r\n2,-201\r\n3,-301.5\r\n'=SUM(A1:A9),\r\n");
  g_clear_pointer (&r, cli_result_free);
  r = run_cli ("export", id, "--csv", "-", "--json", "--db", db);
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);

  r = run_cli ("export", id, "--csv", csv, "--table", "nope", "--db", db);
  g_assert_cmpint (r->status, ==, 1);
  g_assert_nonnull (strstr (r->err, "nope"));
  g_clear_pointer (&r, cli_result_free);

  r = run_cli ("export", id, "--markdown", md, "--json-file", json_file, "--session-dir", session_dir, "--db", db);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_true (g_file_get_contents (md, &content, NULL, NULL));
  g_assert_nonnull (strstr (content, "## Question"));
  g_clear_pointer (&content, g_free);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_assert_true (json_parser_load_from_file (parser, json_file, NULL));
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "run_id"), ==, ids[0]);
  }
  g_assert_true (g_file_get_contents (summary, &content, NULL, NULL));
  g_assert_nonnull (strstr (content, "van loan at 7.5%"));
}

static void
test_env_and_bad_db (void)
{
  g_autofree char *db = fresh_db ("env.db");
  g_autofree char *bad = fresh_db ("bad.db");
  g_autoptr(CliResult) r = NULL;
  gint64 ids[3];

  seed (db, ids);
  r = run_cli_env (db, (const char *[]) { "history", "--json", NULL });
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (r->json)), ==, 3);
  g_clear_pointer (&r, cli_result_free);

  g_assert_true (g_file_set_contents (bad, "this is a spreadsheet, not a database\n", -1, NULL));
  r = run_cli ("history", "--db", bad);
  g_assert_cmpint (r->status, ==, 1);
  g_assert_nonnull (strstr (r->err, bad));
  g_clear_pointer (&r, cli_result_free);
  r = run_cli ("history", "--json", "--db", bad);
  g_assert_cmpint (r->status, ==, 1);
  assert_one_document (r);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (r->json), "ok"));
  {
    g_autofree char *content = NULL;
    g_assert_true (g_file_get_contents (bad, &content, NULL, NULL));
    g_assert_cmpstr (content, ==, "this is a spreadsheet, not a database\n");
  }
}

static gboolean
sandbox_usable (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfSandbox) sandbox = wf_sandbox_get_default ("bwrap", &error);

  if (sandbox == NULL || !wf_sandbox_is_available (sandbox, &error))
    {
      g_test_skip (error->message);
      return FALSE;
    }
  return TRUE;
}

static char *
write_file (const char *name,
            const char *text)
{
  char *path = g_build_filename (g_get_user_data_dir (), name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static gint64
sql_count (const char *path,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* `run` goes through the pipeline: checked, run, saved (run_id). */
static void
test_run_files (void)
{
  g_autofree char *db = fresh_db ("run.db");
  g_autofree char *py = write_file ("model.py", "import whatif as wf\n"
                                                "rate = wf.param('Rate', 0.05, kind='percent')\n"
                                                "wf.metric('interest', 1000 * rate, unit='USD')\n");
  g_autofree char *txt = write_file ("model.txt", "print(1)\n");
  g_autoptr(CliResult) r = NULL;
  JsonObject *o;
  gint64 run_id;

  if (!sandbox_usable ())
    return;
  r = run_cli ("run", py, "--json", "--db", db);
  g_test_message ("%s%s", r->out, r->err);
  g_assert_cmpint (r->status, ==, 0);
  assert_one_document (r);
  o = json_node_get_object (r->json);
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (o, "outcome"), ==, "answered");
  run_id = json_object_get_int_member (o, "run_id");
  g_assert_cmpint (run_id, >, 0);
  g_assert_cmpint (json_object_get_int_member (o, "session_id"), >, 0);
  g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (
                       json_object_get_array_member (o, "metrics"), 0), "value"), ==, 50.0);
  /* The documented fields of the sandbox result are all still there. */
  for (const char * const *f = (const char * const[]) { "exit_code", "stdout", "stderr", "tables", "params",
                                                         "charts", "wall_ms", "cpu_ms", "peak_rss_kb",
                                                         "limits_hit", "truncated", NULL }; *f; f++)
    g_assert_true (json_object_has_member (o, *f));
  g_clear_pointer (&r, cli_result_free);

  /* It is in the history. */
  r = run_cli ("history", "--json", "--db", db);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (json_node_get_array (r->json), 0),
                                               "run_id"), ==, run_id);
  g_clear_pointer (&r, cli_result_free);

  /* --unchecked: the sandbox alone, not saved. */
  r = run_cli ("run", py, "--json", "--unchecked", "--db", db);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_false (json_object_has_member (json_node_get_object (r->json), "run_id"));
  g_clear_pointer (&r, cli_result_free);
  r = run_cli ("history", "--json", "--db", db);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (r->json)), ==, 1);
  g_clear_pointer (&r, cli_result_free);

  r = run_cli ("run", txt, "--db", db);
  g_assert_cmpint (r->status, ==, 2);
}

static void
test_run_sql (void)
{
  g_autofree char *db = fresh_db ("sql.db");
  g_autofree char *workbook = NULL;
  g_autofree char *query = write_file ("by-month.sql",
                                       "-- sales by month\n"
                                       "SELECT substr(day, 1, 7) AS month, sum(amount) AS total\n"
                                       "FROM sales GROUP BY month ORDER BY month;\n");
  g_autofree char *delete = write_file ("delete.sql", "DELETE FROM sales");
  g_autoptr(CliResult) r = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *o;
  JsonArray *rows;

  if (!sandbox_usable ())
    return;

  /* No data imported yet: a clear error that says how to import. */
  r = run_cli ("run", query, "--json", "--db", db);
  g_assert_cmpint (r->status, ==, 1);
  assert_one_document (r);
  o = json_node_get_object (r->json);
  g_assert_cmpint (json_object_get_int_member (o, "run_id"), >, 0);
  g_assert_nonnull (strstr (json_object_get_string_member (o, "message"), "import"));
  g_clear_pointer (&r, cli_result_free);

  {
    g_autoptr(WfStore) store = wf_store_open (db, &error);
    sqlite3 *wb = NULL;

    g_assert_no_error (error);
    workbook = wf_store_dup_workbook_path (store);
    g_assert_cmpint (sqlite3_open (workbook, &wb), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (wb, "CREATE TABLE sales (day TEXT, amount REAL);"
                                       "INSERT INTO sales VALUES ('2024-01-03', 10.25), ('2024-01-20', 4.75),"
                                       " ('2024-02-02', 7.5), ('2024-03-09', 1.0), ('2024-03-30', 2.0);",
                                   NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (wb);
  }

  r = run_cli ("run", query, "--json", "--db", db);
  g_test_message ("%s%s", r->out, r->err);
  g_assert_cmpint (r->status, ==, 0);
  o = json_node_get_object (r->json);
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "ok");
  g_assert_cmpint (json_object_get_int_member (o, "run_id"), >, 0);
  rows = json_object_get_array_member (json_array_get_object_element (json_object_get_array_member (o, "tables"), 0),
                                       "rows");
  g_assert_cmpuint (json_array_get_length (rows), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (json_array_get_array_element (rows, 0), 0), ==, "2024-01");
  g_assert_cmpfloat (json_array_get_double_element (json_array_get_array_element (rows, 0), 1), ==, 15.0);
  g_assert_cmpfloat (json_array_get_double_element (json_array_get_array_element (rows, 2), 1), ==, 3.0);
  g_clear_pointer (&r, cli_result_free);

  /* A write: stopped by the SQL firewall before the sandbox, and saved as blocked. */
  r = run_cli ("run", delete, "--json", "--db", db);
  g_assert_cmpint (r->status, ==, 1);
  o = json_node_get_object (r->json);
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "blocked");
  g_assert_cmpstr (json_object_get_string_member (o, "outcome"), ==, "blocked");
  g_clear_pointer (&r, cli_result_free);

  /* Unchecked: the runner's authoriser refuses it on its own. */
  r = run_cli ("run", delete, "--json", "--unchecked", "--db", db);
  g_assert_cmpint (r->status, ==, 1);
  o = json_node_get_object (r->json);
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "blocked");
  g_assert_false (json_object_has_member (o, "run_id"));
  g_assert_cmpint (sql_count (workbook, "SELECT count(*) FROM sales"), ==, 5);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  if (g_getenv ("WHATIF_CLI") == NULL)
    {
      g_test_skip ("WHATIF_CLI is not set (run through meson test)");
      return 77;
    }

  g_test_add_func ("/cli/fresh", test_fresh);
  g_test_add_func ("/cli/usage", test_usage);
  g_test_add_func ("/cli/seeded", test_seeded);
  g_test_add_func ("/cli/env-and-bad-db", test_env_and_bad_db);
  g_test_add_func ("/cli/run/files", test_run_files);
  g_test_add_func ("/cli/run/sql", test_run_sql);

  return g_test_run ();
}
