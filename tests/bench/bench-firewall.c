/* bench-firewall.c: firewall.check_200_lines and the SQL check
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * firewall.check_200_lines is the production path: a check job of a 200-line
 * program on the warm bubblewrap sandbox. firewall.check_200_lines_host_parse
 * is whatif_policy.check() alone in a persistent Python process started here
 * (-I -S, one JSON line in, one verdict line out): the policy's own cost plus
 * a pipe round trip, so the difference is what the sandbox adds.
 */
#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "wf-bench.h"
#include "wf-firewall.h"
#include "wf-sandbox.h"
#include "wf-sql-firewall.h"

static const char server_script[] =
  "import sys, json\n"
  "sys.path.insert(0, sys.argv[1])\n"
  "import whatif_policy\n"
  "policy = whatif_policy.load_policy()\n"
  "for line in sys.stdin:\n"
  "    verdict, _ = whatif_policy.check(json.loads(line)['code'], policy)\n"
  "    sys.stdout.write(json.dumps(verdict) + '\\n')\n"
  "    sys.stdout.flush()\n";

/* A realistic model of exactly N_LINES lines: functions, loops, pandas,
 * f-strings, then plain assignments to reach the count. */
static char *
make_program (guint n_lines)
{
  GString *s = g_string_new ("import math\nimport numpy as np\nimport pandas as pd\n"
                             "from dataclasses import dataclass\n\n");
  guint lines = 5;
  guint i = 0;

  while (lines + 8 <= n_lines)
    {
      g_string_append_printf (s,
                              "def scenario_%u(rate=0.0%u, years=%u):\n"
                              "    balance = 1000.0 * (1 + rate) ** years\n"
                              "    rows = [{'year': y, 'value': balance / (1 + rate) ** y} for y in range(years)]\n"
                              "    df = pd.DataFrame(rows)\n"
                              "    df['growth'] = df['value'].pct_change().fillna(0)\n"
                              "    print(f\"scenario {%u}: {balance:,.2f} over {years} years\")\n"
                              "    return df.groupby('year')['value'].sum().round(2)\n\n",
                              i, i % 9 + 1, 5 + i % 20, i);
      lines += 8;
      i++;
    }
  for (; lines < n_lines; lines++)
    g_string_append_printf (s, "total_%u = math.sqrt(%u) * 1.5\n", lines, lines);

  return g_string_free (s, FALSE);
}

static void
bench_python_policy (WfBench *bench)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) request = NULL;
  g_autofree char *program = make_program (200);
  g_autofree char *line = NULL;
  const char *python = g_getenv ("WHATIF_SANDBOX_PYTHON");
  GOutputStream *to_child;
  guint iterations = wf_bench_is_quick (bench) ? 10 : 200;
  guint n_lines = 0;

  for (const char *p = program; *p; p++)
    n_lines += *p == '\n';

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, program);
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);
  line = g_strconcat (json_to_string (request, FALSE), "\n", NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  process = g_subprocess_launcher_spawn (launcher, &error,
                                         python && *python ? python : WF_SANDBOX_PYTHON,
                                         "-I", "-S", "-c", server_script,
                                         wf_sandbox_get_runner_dir (), NULL);
  if (process == NULL)
    {
      wf_bench_note (bench, "firewall.check_200_lines: could not start Python: %s", error->message);
      return;
    }
  to_child = g_subprocess_get_stdin_pipe (process);
  reader = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));

  /* One warm-up round: imports and the first parse are not the steady state. */
  for (guint i = 0; i < iterations + 1; i++)
    {
      g_autofree char *answer = NULL;
      g_autoptr(WfVerdict) verdict = NULL;
      double start = wf_bench_now_ms ();

      if (!g_output_stream_write_all (to_child, line, strlen (line), NULL, NULL, &error) ||
          !g_output_stream_flush (to_child, NULL, &error))
        break;
      answer = g_data_input_stream_read_line (reader, NULL, NULL, &error);
      if (answer == NULL)
        break;
      if (i > 0)
        wf_bench_add_sample (bench, "firewall.check_200_lines_host_parse", "ms", wf_bench_now_ms () - start);
      verdict = wf_verdict_from_json (answer, -1, &error);
      if (verdict == NULL || !wf_verdict_is_allowed (verdict))
        {
          wf_bench_note (bench, "firewall.check_200_lines: the benchmark program was not allowed: %s", answer);
          break;
        }
    }
  if (error != NULL)
    wf_bench_note (bench, "firewall.check_200_lines: %s", error->message);

  g_output_stream_close (to_child, NULL, NULL);
  g_subprocess_wait (process, NULL, NULL);
  wf_bench_note (bench, "firewall.check_200_lines_host_parse: whatif_policy.check() of a %u-line program "
                 "in a persistent host Python (-I -S) over a pipe, the policy's own cost; "
                 "firewall.check_200_lines is the production path, a check job on the warm sandbox",
                 n_lines);
}

static void
bench_sql (WfBench *bench)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfSqlFirewall) firewall =
    wf_sql_firewall_new_for_schema ("CREATE TABLE expenses (id INTEGER PRIMARY KEY, date TEXT, "
                                    "category TEXT, amount REAL);", &error);
  const char *query = "SELECT category, strftime('%Y-%m', date) AS month, SUM(amount) AS total "
                      "FROM expenses WHERE amount > 0 GROUP BY 1, 2 ORDER BY total DESC LIMIT 20";
  guint iterations = wf_bench_is_quick (bench) ? 100 : 2000;

  if (firewall == NULL)
    {
      wf_bench_note (bench, "firewall.sql_check: %s", error->message);
      return;
    }
  for (guint i = 0; i < iterations; i++)
    {
      double start = wf_bench_now_ms ();
      g_autoptr(WfVerdict) verdict = wf_sql_firewall_check (firewall, query);

      wf_bench_add_sample (bench, "firewall.sql_check", "ms", wf_bench_now_ms () - start);
      g_assert (wf_verdict_is_allowed (verdict));
    }
}

/* The production path: a check job on the warm sandbox (the zygote already
 * has the policy module and Python loaded; each check is a fresh child). */
static void
bench_warm_sandbox (WfBench *bench)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfSandbox) sandbox = wf_sandbox_get_default ("bwrap", &error);
  g_autofree char *program = make_program (200);
  guint n = wf_bench_is_quick (bench) ? 10 : 50;

  if (sandbox == NULL)
    {
      wf_bench_note (bench, "firewall.check_200_lines: no sandbox: %s", error->message);
      return;
    }

  wf_sandbox_warm_up (sandbox);
  /* Two checks to let the zygote finish starting and fill its spare job. */
  for (guint i = 0; i < n + 2; i++)
    {
      g_autoptr(WfVerdict) verdict = NULL;
      double start;

      g_usleep (50 * 1000);   /* jobs arrive one by one, as from a person */
      start = wf_bench_now_ms ();
      verdict = wf_firewall_check_python (sandbox, program, NULL, &error);
      if (verdict == NULL)
        {
          wf_bench_note (bench, "firewall.check_200_lines: %s", error->message);
          return;
        }
      if (i >= 2)
        wf_bench_add_sample (bench, "firewall.check_200_lines", "ms", wf_bench_now_ms () - start);
      g_assert (wf_verdict_is_allowed (verdict));
    }
}

void
wf_bench_firewall (WfBench *bench)
{
  bench_warm_sandbox (bench);
  bench_python_policy (bench);
  bench_sql (bench);
}
