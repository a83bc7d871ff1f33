/* test-sandbox.c: what a model program can do in the bubblewrap sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <glib/gstdio.h>
#include <string.h>

#include "wf-sandbox-test-util.h"

static void
test_pandas_table (void)
{
  g_autoptr(WfRunResult) r = NULL;
  const WfTable *t;
  JsonArray *row;

  if (!test_sandbox_usable ())
    return;
  r = test_run ("import pandas as pd, numpy as np, whatif as wf\n"
                "df = pd.DataFrame({'month': [1, 2, 3], 'balance': [100.5, np.nan, np.inf],"
                " 'when': pd.to_datetime(['2024-01-31', '2024-02-29', None])})\n"
                "wf.table('schedule', df)\n", 10000);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  t = test_result_find_table (r, "schedule");
  g_assert_nonnull (t);
  g_assert_cmpuint (t->columns->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (t->columns, 1), ==, "balance");
  g_assert_cmpuint (wf_table_get_n_rows (t), ==, 3);
  row = json_array_get_array_element (t->rows, 0);
  g_assert_cmpint (json_array_get_int_element (row, 0), ==, 1);
  g_assert_cmpfloat (json_array_get_double_element (row, 1), ==, 100.5);
  g_assert_cmpstr (json_array_get_string_element (row, 2), ==, "2024-01-31T00:00:00");
  /* Non-finite numbers and missing dates become null. */
  row = json_array_get_array_element (t->rows, 1);
  g_assert_true (json_array_get_null_element (row, 1));
  row = json_array_get_array_element (t->rows, 2);
  g_assert_true (json_array_get_null_element (row, 1));
  g_assert_true (json_array_get_null_element (row, 2));
}

static void
test_result_variable (void)
{
  g_autoptr(WfRunResult) r = NULL;
  const WfTable *t;

  if (!test_sandbox_usable ())
    return;
  r = test_run ("import pandas as pd\nresult = pd.DataFrame({'a': [1, 2], 'b': ['x', 'y']})\n", 10000);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  t = test_result_find_table (r, "result");
  g_assert_nonnull (t);
  g_assert_cmpuint (wf_table_get_n_rows (t), ==, 2);
}

static void
test_list_tables (void)
{
  g_autoptr(WfRunResult) r = NULL;
  const WfTable *t;

  if (!test_sandbox_usable ())
    return;
  r = test_run ("import whatif as wf, decimal, datetime\n"
                "wf.table('dicts', [{'a': 1, 'b': decimal.Decimal('2.50')}, {'a': 2, 'c': datetime.date(2024, 5, 1)}])\n"
                "wf.table('rows', [[1, 'x'], [2, 'y', 'extra']], columns=['n', 's'])\n", 10000);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  t = test_result_find_table (r, "dicts");
  g_assert_nonnull (t);
  g_assert_cmpuint (t->columns->len, ==, 3);
  g_assert_cmpfloat (json_array_get_double_element (json_array_get_array_element (t->rows, 0), 1), ==, 2.5);
  g_assert_cmpstr (json_array_get_string_element (json_array_get_array_element (t->rows, 1), 2), ==, "2024-05-01");
  t = test_result_find_table (r, "rows");
  g_assert_nonnull (t);
  g_assert_cmpuint (json_array_get_length (json_array_get_array_element (t->rows, 1)), ==, 2);
}

static void
test_metrics (void)
{
  g_autoptr(WfRunResult) r = NULL;
  WfMetric *m;

  if (!test_sandbox_usable ())
    return;
  r = test_run ("import whatif as wf, numpy as np, numpy_financial as npf\n"
                "wf.metric('Monthly payment', -npf.pmt(0.075 / 12, 60, 40000), 'USD')\n"
                "wf.metric('IRR', npf.irr([-100, 39, 59, 55, 20]), 'ratio')\n"
                "wf.metric('Bad', float('nan'))\n"
                "wf.metric('Count', np.int64(7))\n", 10000);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  g_assert_cmpuint (r->metrics->len, ==, 4);
  m = g_ptr_array_index (r->metrics, 0);
  g_assert_cmpstr (m->name, ==, "Monthly payment");
  g_assert_cmpfloat_with_epsilon (m->value, 801.5179, 0.001);
  g_assert_cmpstr (m->unit, ==, "USD");
  m = g_ptr_array_index (r->metrics, 1);
  g_assert_cmpfloat_with_epsilon (m->value, 0.28095, 0.0001);
  m = g_ptr_array_index (r->metrics, 2);
  g_assert_true (isnan (m->value));
  m = g_ptr_array_index (r->metrics, 3);
  g_assert_cmpfloat (m->value, ==, 7);
}

static void
test_chart (void)
{
  g_autoptr(WfRunResult) r = NULL;
  WfChart *c;
  WfSeries *s;

  if (!test_sandbox_usable ())
    return;
  r = test_run ("import whatif as wf\n"
                "wf.chart('line', 'Balance', ['Jan', 'Feb', 'Mar'], {'balance': [3, 2, float('inf')], 'paid': [1, 2, 3]})\n",
                10000);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  g_assert_cmpuint (r->charts->len, ==, 1);
  c = g_ptr_array_index (r->charts, 0);
  g_assert_cmpstr (c->kind, ==, "line");
  g_assert_cmpstr (c->title, ==, "Balance");
  g_assert_cmpuint (c->x->len, ==, 3);
  g_assert_cmpuint (c->series->len, ==, 2);
  s = g_ptr_array_index (c->series, 0);
  g_assert_cmpuint (s->values->len, ==, 3);
  g_assert_true (isnan (g_array_index (s->values, double, 2)));
}

static void
test_params (void)
{
  g_autoptr(WfJob) job = NULL;
  g_autoptr(WfRunResult) r1 = NULL;
  g_autoptr(WfRunResult) r2 = NULL;
  const char *code =
    "import whatif as wf\n"
    "rate = wf.param('Interest rate', 7.5, kind='percent', min=0, max=30, step=0.25)\n"
    "years = wf.param('Years', 5, kind='years', min=1, max=30)\n"
    "wf.metric('rate', rate)\nwf.metric('years', years)\nprint(type(years).__name__)\n";
  WfParam *p;

  if (!test_sandbox_usable ())
    return;
  r1 = test_run (code, 10000);
  g_assert_cmpint (r1->status, ==, WF_RUN_STATUS_OK);
  g_assert_cmpuint (r1->params->len, ==, 2);
  p = g_ptr_array_index (r1->params, 0);
  g_assert_cmpstr (p->label, ==, "Interest rate");
  g_assert_cmpstr (p->kind, ==, "percent");
  g_assert_cmpfloat (p->value, ==, 7.5);
  g_assert_cmpfloat (p->min, ==, 0);
  g_assert_cmpfloat (p->max, ==, 30);
  g_assert_cmpfloat (p->step, ==, 0.25);
  p = g_ptr_array_index (r1->params, 1);
  g_assert_true (isnan (p->step));
  g_assert_cmpstr (r1->stdout_text, ==, "int\n");

  job = wf_job_new (WF_JOB_RUN, "python", code);
  job->policy = FALSE;
  wf_job_set_override (job, "Interest rate", 9.0);
  wf_job_set_override (job, "Years", 10);
  r2 = test_run_job (job);
  g_assert_cmpint (r2->status, ==, WF_RUN_STATUS_OK);
  p = g_ptr_array_index (r2->params, 0);
  g_assert_cmpfloat (p->value, ==, 9.0);
  g_assert_cmpfloat (((WfMetric *) g_ptr_array_index (r2->metrics, 0))->value, ==, 9.0);
  g_assert_cmpfloat (((WfMetric *) g_ptr_array_index (r2->metrics, 1))->value, ==, 10);
}

static void
test_non_ascii (void)
{
  g_autoptr(WfRunResult) r = NULL;

  if (!test_sandbox_usable ())
    return;
  r = test_run ("import whatif as wf, sys\nprint('Prix: 12 € — naïve 日本語')\n"
                "sys.stderr.write('ошибка\\n')\nwf.metric('Coût', 1, '€')\n"
                "sys.stdout.buffer.write(b'\\xff\\xfe invalid\\n')\n", 10000);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  g_assert_true (g_utf8_validate (r->stdout_text, -1, NULL));
  g_assert_nonnull (strstr (r->stdout_text, "12 € — naïve 日本語"));
  g_assert_nonnull (strstr (r->stderr_text, "ошибка"));
  g_assert_cmpstr (((WfMetric *) g_ptr_array_index (r->metrics, 0))->name, ==, "Coût");
}

static void
test_big_table (void)
{
  g_autoptr(WfRunResult) r = NULL;
  const WfTable *t;

  if (!test_sandbox_usable ())
    return;
  r = test_run ("import pandas as pd, numpy as np\n"
                "n = 100000\nresult = pd.DataFrame({'i': np.arange(n), 'x': np.arange(n) * 0.5, 's': ['r%d' % i for i in range(n)]})\n",
                30000);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  t = test_result_find_table (r, "result");
  g_assert_nonnull (t);
  g_assert_cmpuint (wf_table_get_n_rows (t), ==, 100000);
  g_assert_false (r->tables_truncated);
  g_assert_cmpstr (json_array_get_string_element (json_array_get_array_element (t->rows, 99999), 2), ==, "r99999");
}

static void
test_table_truncated (void)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python",
                                     "import pandas as pd\nresult = pd.DataFrame({'i': range(500)})\n");
  g_autoptr(WfRunResult) r = NULL;

  if (!test_sandbox_usable ())
    return;
  job->policy = FALSE;
  job->limits.table_rows = 100;
  r = test_run_job (job);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  g_assert_cmpuint (wf_table_get_n_rows (test_result_find_table (r, "result")), ==, 100);
  g_assert_true (r->tables_truncated);
  g_assert_true (test_result_has_limit (r, "table_rows"));
}

static void
test_limits_reported (void)
{
  g_autoptr(WfRunResult) r = NULL;

  if (!test_sandbox_usable ())
    return;
  r = test_run ("x = sum(i * i for i in range(2000000))\nb = bytearray(50 * 1024 * 1024)\nprint(x > 0)\n", 10000);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  g_assert_cmpint (r->exit_code, ==, 0);
  g_assert_cmpint (r->wall_ms, >, 0);
  g_assert_cmpint (r->cpu_ms, >, 0);
  g_assert_cmpint (r->peak_rss_kb, >, 50 * 1024);
  g_assert_cmpuint (r->limits_hit->len, ==, 0);
  g_assert_false (r->stdout_truncated);
  g_assert_cmpstr (r->backend, ==, "bwrap");
}

static void
test_exception (void)
{
  g_autoptr(WfRunResult) r = NULL;

  if (!test_sandbox_usable ())
    return;
  r = test_run ("def f():\n    return 1 / 0\nf()\n", 10000);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_ERROR);
  g_assert_cmpint (r->exit_code, ==, 1);
  g_assert_cmpstr (r->error_message, ==, "ZeroDivisionError: division by zero");
  g_assert_nonnull (strstr (r->stderr_text, "line 2, in f"));
  g_assert_null (strstr (r->stderr_text, "whatif_runner"));
}

static void
test_syntax_error (void)
{
  g_autoptr(WfRunResult) r = NULL;

  if (!test_sandbox_usable ())
    return;
  r = test_run ("def (:\n", 10000);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_ERROR);
  g_assert_nonnull (strstr (r->error_message, "SyntaxError"));
}

static void
test_sql_refused (void)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "sql", "SELECT 1");
  g_autoptr(WfRunResult) r = NULL;

  if (!test_sandbox_usable ())
    return;
  job->policy = FALSE;
  r = test_run_job (job);
  /* SQL mode needs the workbook (tests/test-sql-mode.c has the rest). */
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_ERROR);
  g_assert_nonnull (strstr (r->error_message, "workbook"));
}

static void
test_csv_output (void)
{
  g_autoptr(WfRunResult) r = NULL;
  const WfTable *t;

  if (!test_sandbox_usable ())
    return;
  r = test_run ("import pandas as pd\npd.DataFrame({'a': [1, 2], 'b': ['é', 'x']}).to_csv('out.csv', index=False)\n", 10000);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
  t = test_result_find_table (r, "out.csv");
  g_assert_nonnull (t);
  g_assert_cmpuint (wf_table_get_n_rows (t), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (json_array_get_array_element (t->rows, 0), 1), ==, "é");
}

/* The firewall helper owns whatif_policy.py; this stand-in keeps only its
 * contract (check → verdict + code object, install_audit_hook → on_block
 * before raising), so the runner's side of it is tested here. */
static const char fake_policy[] =
  "import ast, sys\n"
  "def check(source, policy):\n"
  "    tree = ast.parse(source)\n"
  "    rules = []\n"
  "    for node in ast.walk(tree):\n"
  "        if isinstance(node, ast.Import):\n"
  "            for a in node.names:\n"
  "                if a.name.split('.')[0] in policy['blocked_imports']:\n"
  "                    rules.append({'rule': 'import', 'line': node.lineno, 'column': node.col_offset,\n"
  "                                  'message': 'import of %s is not allowed' % a.name})\n"
  "    if rules:\n"
  "        return {'verdict': 'block', 'language': 'python', 'rules': rules}, None\n"
  "    code = compile(tree, '<model>', 'exec')\n"
  "    code = code.replace(co_consts=code.co_consts + ('CHECKED-CODE-OBJECT',))\n"
  "    return {'verdict': 'allow', 'language': 'python', 'rules': []}, code\n"
  "def guarded_builtins(policy, on_block):\n"
  "    import builtins\n"
  "    return dict(builtins.__dict__)\n"
  "def install_audit_hook(policy, workdir, on_block, allowed_code=None, workbook=None):\n"
  "    def hook(event, args):\n"
  "        if event == 'open' and args and isinstance(args[0], str) and args[0].startswith('/etc/'):\n"
  "            on_block('open')\n"
  "            raise PermissionError('blocked: open')\n"
  "    sys.addaudithook(hook)\n";

/* A copy of the runner, with the stand-in policy when WITH_POLICY. */
static char *
make_runner_dir (gboolean with_policy)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("whatif-runner-XXXXXX", &error);
  const char *src = wf_sandbox_get_runner_dir ();
  const char *files[] = { "whatif_runner.py", "numpy_financial.py", "whatif/__init__.py", NULL };
  g_autofree char *sub = g_build_filename (dir, "whatif", NULL);

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  for (int i = 0; files[i]; i++)
    {
      g_autofree char *from = g_build_filename (src, files[i], NULL);
      g_autofree char *to = g_build_filename (dir, files[i], NULL);
      g_autofree char *text = NULL;

      g_file_get_contents (from, &text, NULL, &error);
      g_assert_no_error (error);
      g_file_set_contents (to, text, -1, &error);
      g_assert_no_error (error);
    }
  if (with_policy)
    {
      g_autofree char *py = g_build_filename (dir, "whatif_policy.py", NULL);
      g_autofree char *json = g_build_filename (dir, "policy.json", NULL);

      g_file_set_contents (py, fake_policy, -1, &error);
      g_assert_no_error (error);
      g_file_set_contents (json, "{\"blocked_imports\": [\"os\", \"subprocess\"]}", -1, &error);
      g_assert_no_error (error);
    }
  return dir;
}

static void
rm_tree (const char *dir)
{
  const char *files[] = { "whatif_runner.py", "numpy_financial.py", "whatif/__init__.py",
                          "whatif_policy.py", "policy.json", "whatif", NULL };

  for (int i = 0; files[i]; i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

/* A job that asks for the policy on a runner that has none is refused, not
 * run unchecked. */
static void
test_policy_without_firewall (void)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python", "print('ran')\n");
  g_autoptr(WfRunResult) r = NULL;
  g_autoptr(WfSandbox) sandbox = NULL;
  g_autofree char *dir = NULL;
  WfSandbox *saved = test_sandbox;

  if (!test_sandbox_usable ())
    return;
  dir = make_runner_dir (FALSE);
  sandbox = wf_sandbox_bwrap_new_with_runner_dir (dir, 1, 0);
  test_sandbox = sandbox;
  job->policy = TRUE;
  r = test_run_job (job);
  test_sandbox = saved;
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_REFUSED);
  g_assert_cmpstr (r->stdout_text, ==, "");
  g_assert_nonnull (strstr (r->error_message, "whatif_policy"));
  g_clear_object (&sandbox);
  rm_tree (dir);
}

static void
test_policy_contract (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(WfSandbox) sandbox = NULL;
  WfSandbox *saved = test_sandbox;

  if (!test_sandbox_usable ())
    return;
  dir = make_runner_dir (TRUE);
  sandbox = wf_sandbox_bwrap_new_with_runner_dir (dir, 1, 0);
  test_sandbox = sandbox;

  /* Blocked statically: nothing runs, the verdict comes back. */
  {
    g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python", "print('ran')\nimport os\n");
    g_autoptr(WfRunResult) r = test_run_job (job);

    g_assert_cmpint (r->status, ==, WF_RUN_STATUS_BLOCKED);
    g_assert_cmpstr (r->stdout_text, ==, "");
    g_assert_nonnull (r->verdict_json);
    g_assert_nonnull (strstr (r->verdict_json, "\"block\""));
    g_assert_cmpstr (r->error_message, ==, "import of os is not allowed");
  }
  /* Allowed: the runner executes the very code object the check returned. */
  {
    g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python",
                                       "import sys\nprint('CHECKED-CODE-OBJECT' in sys._getframe().f_code.co_consts)\n");
    g_autoptr(WfRunResult) r = test_run_job (job);

    g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
    g_assert_cmpstr (r->stdout_text, ==, "True\n");
  }
  /* The audit hook refuses at run time; the job ends blocked, event named. */
  {
    g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python",
                                       "try:\n    open('/etc/localtime', 'rb')\nexcept Exception:\n    pass\nprint('after')\n");
    g_autoptr(WfRunResult) r = test_run_job (job);

    g_assert_cmpint (r->status, ==, WF_RUN_STATUS_BLOCKED);
    g_assert_nonnull (strstr (r->error_message, "open"));
  }
  /* A check job only checks. */
  {
    g_autoptr(WfJob) job = wf_job_new (WF_JOB_CHECK, "python", "print('ran')\n");
    g_autoptr(WfRunResult) r = test_run_job (job);

    g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
    g_assert_cmpstr (r->stdout_text, ==, "");
    g_assert_nonnull (strstr (r->verdict_json, "\"allow\""));
  }

  test_sandbox = saved;
  g_clear_object (&sandbox);
  rm_tree (dir);
}


typedef struct
{
  int          index;
  WfRunResult *result;
} Concurrent;

static gpointer
concurrent_job (gpointer data)
{
  Concurrent *c = data;
  g_autofree char *code = g_strdup_printf ("import time, whatif as wf\ntime.sleep(0.3)\nwf.metric('i', %d)\n", c->index);

  c->result = test_run (code, 10000);
  return NULL;
}

static void
test_concurrent (void)
{
  Concurrent jobs[4];
  GThread *threads[4];

  if (!test_sandbox_usable ())
    return;
  for (int i = 0; i < 4; i++)
    {
      jobs[i].index = i;
      jobs[i].result = NULL;
      threads[i] = g_thread_new ("job", concurrent_job, &jobs[i]);
    }
  for (int i = 0; i < 4; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpint (jobs[i].result->status, ==, WF_RUN_STATUS_OK);
      g_assert_cmpfloat (((WfMetric *) g_ptr_array_index (jobs[i].result->metrics, 0))->value, ==, i);
      wf_run_result_free (jobs[i].result);
    }
}

static void
test_cold_sandbox (void)
{
  g_autoptr(WfSandbox) cold = wf_sandbox_bwrap_new_full (1, 1);
  WfSandbox *saved = test_sandbox;

  if (!test_sandbox_usable ())
    return;
  test_sandbox = cold;
  for (int i = 0; i < 2; i++)
    {
      g_autoptr(WfRunResult) r = test_run ("print('cold')\n", 20000);

      g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
    }
  test_sandbox = saved;
  /* One zygote per job: nothing is reused. */
  g_assert_cmpuint (wf_sandbox_bwrap_get_n_zygotes (WF_SANDBOX_BWRAP (cold)), ==, 2);
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (300 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_cancel (void)
{
  g_autoptr(WfJob) job = wf_job_new (WF_JOB_RUN, "python", "import time\ntime.sleep(60)\n");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunResult) r = NULL;
  GThread *thread;
  gint64 start;

  if (!test_sandbox_usable ())
    return;
  job->policy = FALSE;
  job->limits.wall_ms = 30000;
  start = g_get_monotonic_time ();
  thread = g_thread_new ("cancel", cancel_later, cancellable);
  r = wf_sandbox_run (test_sandbox, job, NULL, NULL, cancellable, &error);
  g_thread_join (thread);
  g_assert_no_error (error);
  g_assert_cmpint (r->status, ==, WF_RUN_STATUS_KILLED);
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, 10000);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  test_sandbox = wf_sandbox_bwrap_new ();

  g_test_add_func ("/sandbox/table/pandas", test_pandas_table);
  g_test_add_func ("/sandbox/table/result-variable", test_result_variable);
  g_test_add_func ("/sandbox/table/lists", test_list_tables);
  g_test_add_func ("/sandbox/table/100000-rows", test_big_table);
  g_test_add_func ("/sandbox/table/row-limit", test_table_truncated);
  g_test_add_func ("/sandbox/table/csv-file", test_csv_output);
  g_test_add_func ("/sandbox/metrics", test_metrics);
  g_test_add_func ("/sandbox/chart", test_chart);
  g_test_add_func ("/sandbox/params", test_params);
  g_test_add_func ("/sandbox/non-ascii", test_non_ascii);
  g_test_add_func ("/sandbox/limits-reported", test_limits_reported);
  g_test_add_func ("/sandbox/error/exception", test_exception);
  g_test_add_func ("/sandbox/error/syntax", test_syntax_error);
  g_test_add_func ("/sandbox/sql/no-workbook", test_sql_refused);
  g_test_add_func ("/sandbox/refused/policy-without-firewall", test_policy_without_firewall);
  g_test_add_func ("/sandbox/policy/contract", test_policy_contract);
  g_test_add_func ("/sandbox/concurrent", test_concurrent);
  g_test_add_func ("/sandbox/cold", test_cold_sandbox);
  g_test_add_func ("/sandbox/cancel", test_cancel);

  ret = g_test_run ();
  g_clear_object (&test_sandbox);
  return ret;
}
