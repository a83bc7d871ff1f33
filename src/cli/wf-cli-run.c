/* wf-cli-run.c: `whatif-cli run FILE.py|FILE.sql` — run a file in the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * By default a file goes through the pipeline's paste-and-run mode
 * (firewall → budget → sandbox → persist): Python is checked by the code
 * firewall, SQL by the SQL firewall and then by the runner's read-only
 * authoriser against the workbook. The run is stored like any other, and the
 * JSON adds run_id, session_id, outcome and message to the fields of the
 * sandbox's result.
 *
 * --unchecked skips the firewall (static check and audit hook; SQL keeps the
 * runner's authoriser, which is part of the sandbox) and is therefore NOT
 * persisted: it calls the sandbox directly, as it always has, to test the
 * boundary on its own. Its JSON has no run_id.
 */
#define G_LOG_DOMAIN "wf-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "wf-cli-commands.h"
#include "wf-cli.h"
#include "wf-pipeline.h"
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
print_json (const WfRunResult *r,
            const WfRun       *run)     /* nullable: an unchecked, unsaved run */
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  wf_run_result_add_members (r, builder);
  if (run != NULL)
    {
      json_builder_set_member_name (builder, "run_id");
      json_builder_add_int_value (builder, run->id);
      json_builder_set_member_name (builder, "session_id");
      json_builder_add_int_value (builder, run->session_id);
      json_builder_set_member_name (builder, "outcome");
      json_builder_add_string_value (builder, wf_outcome_to_string (run->outcome));
      json_builder_set_member_name (builder, "message");
      if (run->message != NULL)
        json_builder_add_string_value (builder, run->message);
      else
        json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);
  wf_cli_print_builder (builder);
}

/* A run the pipeline stopped before the sandbox (firewall, no data): the
 * same JSON shape, with the status that says why. */
static WfRunResult *
result_for_unexecuted (const WfRun *run)
{
  WfRunResult *r = wf_run_result_new ();

  switch (run->outcome)
    {
    case WF_OUTCOME_BLOCKED:
      r->status = WF_RUN_STATUS_BLOCKED;
      break;
    case WF_OUTCOME_TIMEOUT:
      r->status = WF_RUN_STATUS_TIMEOUT;
      break;
    case WF_OUTCOME_CANCELLED:
      r->status = WF_RUN_STATUS_KILLED;
      break;
    case WF_OUTCOME_SANDBOX_ERROR:
      r->status = WF_RUN_STATUS_REFUSED;
      break;
    case WF_OUTCOME_ANSWERED:
    case WF_OUTCOME_NEEDS_CLARIFICATION:
    case WF_OUTCOME_REFUSED:
    case WF_OUTCOME_OVER_BUDGET:
    case WF_OUTCOME_PROVIDER_ERROR:
    case WF_OUTCOME_NEEDS_PROVIDER:
    case WF_OUTCOME_FAILED:
    default:
      r->status = WF_RUN_STATUS_ERROR;
      break;
    }
  r->exit_code = -1;
  r->error_message = g_strdup (run->message ? run->message : wf_outcome_to_string (run->outcome));
  return r;
}

/* Paste-and-run through the pipeline: checked and persisted. */
static int
run_checked (WfCliCommon *common,
             WfSandbox   *sandbox,
             const char  *path,
             const char  *language,
             const char  *source)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfStore) store = NULL;
  g_autoptr(WfPipeline) pipeline = NULL;
  g_autoptr(WfRunRequest) req = NULL;
  g_autoptr(WfRun) run = NULL;
  g_autoptr(WfRunResult) unexecuted = NULL;
  g_autofree char *name = g_path_get_basename (path);
  const WfRunResult *result;

  store = wf_cli_open_store (common);
  if (store == NULL)
    return WF_CLI_EXIT_FAILED;
  pipeline = wf_pipeline_new (wf_store_get_path (store), sandbox);
  req = wf_run_request_new (g_str_equal (language, "sql") ? WF_MODE_SQL : WF_MODE_PYTHON, name);
  req->code = g_strdup (source);
  run = wf_pipeline_run_sync (pipeline, g_steal_pointer (&req), NULL, &error);
  if (run == NULL)
    return wf_cli_fail (common, "run", WF_CLI_EXIT_FAILED, "%s", error->message);

  result = run->result;
  if (result == NULL)
    result = unexecuted = result_for_unexecuted (run);
  if (common->json)
    print_json (result, run);
  else
    {
      print_text (result);
      g_print (_("Saved as run %" PRId64 " (session %" PRId64 ").\n"),
               (int64_t) run->id, (int64_t) run->session_id);
    }
  return result->status == WF_RUN_STATUS_OK ? WF_CLI_EXIT_OK : WF_CLI_EXIT_FAILED;
}

/* The sandbox alone, not persisted (--unchecked). SQL still reads the
 * workbook read-only under the runner's authoriser. */
static int
run_unchecked (WfCliCommon *common,
               WfSandbox   *sandbox,
               const char  *language,
               const char  *source)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfStore) store = NULL;
  g_autoptr(WfJob) job = NULL;
  g_autoptr(WfRunResult) result = NULL;

  store = wf_cli_open_store (common);
  if (store == NULL)
    return WF_CLI_EXIT_FAILED;
  job = wf_job_new (WF_JOB_RUN, language, source);
  job->policy = FALSE;
  job->workbook_path = wf_store_dup_workbook_path (store);
  if (!g_file_test (job->workbook_path, G_FILE_TEST_IS_REGULAR))
    g_clear_pointer (&job->workbook_path, g_free);   /* nothing imported yet */
  job->datasets = wf_store_list_datasets (store, NULL);

  result = wf_sandbox_run (sandbox, job, NULL, NULL, NULL, &error);
  if (result == NULL)
    return wf_cli_fail (common, "run", WF_CLI_EXIT_FAILED, "%s", error->message);

  if (common->json)
    print_json (result, NULL);
  else
    print_text (result);
  return result->status == WF_RUN_STATUS_OK ? WF_CLI_EXIT_OK : WF_CLI_EXIT_FAILED;
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
  g_autofree char *source = NULL;
  gsize len = 0;
  const char *path;
  const char *language;

  if (!wf_cli_parse (&argc, &argv, "run", _("FILE.py|FILE.sql"),
                     _("Check a Python file, or an SQL query on your imported data, run it in the "
                       "sandbox, save the run and print its results."),
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
    language = "sql";
  else if (g_str_has_suffix (path, ".py"))
    language = "python";
  else
    return wf_cli_fail (common_out, "run", WF_CLI_EXIT_USAGE,
                        _("%s is not a .py or .sql file"), path);

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
      print_json (refused, NULL);
      return WF_CLI_EXIT_FAILED;
    }

  if (unchecked)
    return run_unchecked (common_out, sandbox, language, source);
  return run_checked (common_out, sandbox, path, language, source);
}
