/* wf-cli-run.c: `whatif-cli run FILE.py` — run a file in the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "wf-cli-commands.h"
#include "wf-sandbox.h"

#define MAX_SOURCE_BYTES (1024 * 1024)

static void
print_text (const WfRunResult *r)
{
  if (r->stdout_text && *r->stdout_text)
    fputs (r->stdout_text, stdout);
  if (r->stderr_text && *r->stderr_text)
    fputs (r->stderr_text, stderr);

  for (guint i = 0; i < r->metrics->len; i++)
    {
      WfMetric *m = g_ptr_array_index (r->metrics, i);

      g_print ("%s: %g%s%s\n", m->name, m->value, m->unit ? " " : "", m->unit ? m->unit : "");
    }
  for (guint i = 0; i < r->params->len; i++)
    {
      WfParam *p = g_ptr_array_index (r->params, i);

      g_print (_("Assumption %s (%s): %g\n"), p->label, p->kind, p->value);
    }
  for (guint i = 0; i < r->tables->len; i++)
    {
      WfTable *t = g_ptr_array_index (r->tables, i);

      g_print (_("Table %s: %u rows × %u columns\n"), t->name, wf_table_get_n_rows (t), t->columns->len);
    }
  for (guint i = 0; i < r->charts->len; i++)
    {
      WfChart *c = g_ptr_array_index (r->charts, i);

      g_print (_("Chart (%s): %s\n"), c->kind, c->title ? c->title : "");
    }
  if (r->status != WF_RUN_STATUS_OK)
    g_printerr (_("whatif-cli run: %s%s%s\n"), wf_run_status_to_string (r->status),
                r->error_message ? ": " : "", r->error_message ? r->error_message : "");
  if (r->limits_hit->len > 0)
    {
      g_autofree char *joined = NULL;

      g_ptr_array_add (r->limits_hit, NULL);
      joined = g_strjoinv (", ", (char **) r->limits_hit->pdata);
      g_ptr_array_remove_index (r->limits_hit, r->limits_hit->len - 1);
      g_printerr (_("Limits hit: %s\n"), joined);
    }
}

static void
print_json (const WfRunResult *r)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  wf_run_result_add_members (r, builder);
  json_builder_end_object (builder);
  wf_cli_print_builder (builder);
}

static int run_file (int argc, char **argv, WfCliCommon *common_out);

int
wf_cli_run (int    argc,
            char **argv)
{
  WfCliCommon common = { 0 };
  int ret;

  ret = run_file (argc, argv, &common);
  wf_cli_common_clear (&common);
  return ret;
}

static int
run_file (int          argc,
          char       **argv,
          WfCliCommon *common_out)
{
  g_autofree char *backend = NULL;
  gboolean unchecked = FALSE;
  const GOptionEntry entries[] = {
    { "backend", 0, 0, G_OPTION_ARG_STRING, &backend,
      N_("Sandbox backend: bwrap or e2b"), N_("NAME") },
    { "unchecked", 0, 0, G_OPTION_ARG_NONE, &unchecked,
      N_("Skip the firewall’s static check and audit hook (still fully sandboxed)"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(WfSandbox) sandbox = NULL;
  g_autoptr(WfJob) job = NULL;
  g_autoptr(WfRunResult) result = NULL;
  g_autofree char *source = NULL;
  g_autofree char *policy_path = NULL;
  gsize len = 0;
  const char *path;

  if (!wf_cli_parse (&argc, &argv, "run", _("FILE.py"),
                     _("Run a Python file in the sandbox and print its results."),
                     entries, common_out))
    return WF_CLI_EXIT_USAGE;
  if (argc != 2)
    {
      g_printerr (_("whatif-cli run: give exactly one file to run\n"));
      return WF_CLI_EXIT_USAGE;
    }
  path = argv[1];
  if (backend != NULL && !g_str_equal (backend, "bwrap") && !g_str_equal (backend, "e2b"))
    {
      g_printerr (_("whatif-cli run: unknown backend “%s” (expected bwrap or e2b)\n"), backend);
      return WF_CLI_EXIT_USAGE;
    }
  if (g_str_has_suffix (path, ".sql") || g_str_has_suffix (path, ".SQL"))
    return wf_cli_fail (common_out, "run", WF_CLI_EXIT_FAILED,
                        _("Running SQL files is not available yet (it needs the SQL firewall "
                          "and imported data)"));
  if (!g_str_has_suffix (path, ".py"))
    return wf_cli_fail (common_out, "run", WF_CLI_EXIT_USAGE,
                        _("%s is not a .py file"), path);

  if (!g_file_get_contents (path, &source, &len, &error))
    return wf_cli_fail (common_out, "run", WF_CLI_EXIT_FAILED, "%s", error->message);
  if (len > MAX_SOURCE_BYTES)
    return wf_cli_fail (common_out, "run", WF_CLI_EXIT_FAILED,
                        _("%s is larger than %d bytes"), path, MAX_SOURCE_BYTES);
  if (!g_utf8_validate_len (source, len, NULL) || memchr (source, '\0', len) != NULL)
    return wf_cli_fail (common_out, "run", WF_CLI_EXIT_FAILED, _("%s is not UTF-8 text"), path);

  sandbox = wf_sandbox_get_default (backend, &error);
  if (sandbox == NULL)
    {
      g_autoptr(WfRunResult) refused = wf_run_result_new ();

      if (!common_out->json)
        return wf_cli_fail (common_out, "run", WF_CLI_EXIT_FAILED, "%s", error->message);
      refused->status = WF_RUN_STATUS_REFUSED;
      refused->exit_code = -1;
      refused->error_message = g_strdup (error->message);
      refused->backend = g_strdup (backend ? backend : "bwrap");
      print_json (refused);
      return WF_CLI_EXIT_FAILED;
    }

  job = wf_job_new (WF_JOB_RUN, "python", source);
  /* The firewall is its own issue: until its policy ships, a checked run
   * would be refused by the runner, so the check is only asked for when it
   * is installed. --unchecked always turns it off. */
  policy_path = g_build_filename (wf_sandbox_get_runner_dir (), "whatif_policy.py", NULL);
  job->policy = !unchecked && g_file_test (policy_path, G_FILE_TEST_EXISTS);

  result = wf_sandbox_run (sandbox, job, NULL, NULL, NULL, &error);
  if (result == NULL)
    return wf_cli_fail (common_out, "run", WF_CLI_EXIT_FAILED, "%s", error->message);

  if (common_out->json)
    print_json (result);
  else
    print_text (result);

  return result->status == WF_RUN_STATUS_OK ? WF_CLI_EXIT_OK : WF_CLI_EXIT_FAILED;
}
