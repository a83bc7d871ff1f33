/* wf-pipeline-checks.c: what a run may do before anything runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The validate stage (the request's limits) and the firewall stage (the
 * verdict on the code, on the host, in the sandbox or in the job itself).
 */
#define G_LOG_DOMAIN "wf-pipeline"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "wf-pipeline-private.h"
#include "wf-firewall.h"
#include "wf-sql-firewall.h"
#include "wf-store.h"

gboolean
wf_pipeline_stage_validate (Ctx *c)
{
  WfRunRequest *req = c->req;
  const char *text = req->text ? req->text : "";

  wf_pipeline_stage_begin (c, "validate");
  if (req->parent_run_id > 0)
    {
      wf_pipeline_stage_end (c, "ok");
      return TRUE;
    }
  if (req->mode == WF_MODE_ASK)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (text));

      if (*stripped == '\0' || strlen (text) > MAX_QUESTION_BYTES || !g_utf8_validate (text, -1, NULL))
        {
          wf_pipeline_stage_end (c, "error");
          wf_pipeline_set_outcome (c, WF_OUTCOME_REFUSED,
                                   /* xgettext:no-c-format */
                                   *stripped == '\0' ? _("The question is empty: ask something about money, for example "
                                                         "“what is the monthly payment on a $40k loan at 7.5% over 5 years?”")
                                                     : _("The question is too long or is not valid text. Keep it under 4000 "
                                                         "characters."));
          return FALSE;
        }
    }
  else if (req->code == NULL || strlen (req->code) > MAX_CODE_BYTES || !g_utf8_validate (req->code, -1, NULL))
    {
      wf_pipeline_stage_end (c, "error");
      wf_pipeline_set_outcome (c, WF_OUTCOME_REFUSED, _("There is no code to run, or it is too large or not valid text."));
      return FALSE;
    }
  if (g_hash_table_size (req->overrides) > MAX_OVERRIDES)
    {
      wf_pipeline_stage_end (c, "error");
      wf_pipeline_set_outcome (c, WF_OUTCOME_REFUSED, _("Too many changed assumptions in one run."));
      return FALSE;
    }
  wf_pipeline_stage_end (c, "ok");
  return TRUE;
}

/* SQL mode's firewall: SQLite's parser on the workbook's own schema (the
 * runner's authoriser checks again in the sandbox). No workbook yet: the
 * schema is empty, so only table-free queries pass. */
static WfVerdict *
check_sql (Ctx     *c,
           GError **error)
{
  g_autofree char *workbook = wf_store_dup_workbook_path (c->store);
  g_autoptr(WfSqlFirewall) firewall = NULL;

  g_autoptr(WfVerdict) verdict = NULL;
  gboolean have_workbook = g_file_test (workbook, G_FILE_TEST_IS_REGULAR);

  if (have_workbook)
    firewall = wf_sql_firewall_new_for_db (workbook, error);
  else
    firewall = wf_sql_firewall_new_for_schema ("", error);
  if (firewall == NULL)
    return NULL;
  verdict = wf_sql_firewall_check (firewall, c->run->code);
  if (!have_workbook && !wf_verdict_is_allowed (verdict) &&
      wf_verdict_has_rule (verdict, "sql-syntax"))
    {
      /* Most likely a table that would be there once imported. */
      g_set_error (error, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_INVALID,
                   _("No data has been imported yet, so there are no tables to query. Import a CSV "
                     "file first (whatif-cli import FILE.csv --as NAME, or Import data in the app)."));
      return NULL;
    }
  return g_steal_pointer (&verdict);
}

/* Stores the verdict on the run; FALSE (outcome blocked, span ended) when it
 * does not allow the code. The firewall span is the current one. */
static gboolean
apply_verdict (Ctx             *c,
               const WfVerdict *verdict,
               const char      *checker)
{
  {
    g_autoptr(JsonNode) node = wf_verdict_to_json_node (verdict);
    JsonObject *obj = json_node_get_object (node);

    if (checker != NULL)
      json_object_set_string_member (obj, "checker", checker);
    g_free (c->run->verdict_json);
    c->run->verdict_json = json_to_string (node, FALSE);
  }
  if (!wf_verdict_is_allowed (verdict))
    {
      const WfRule *rule = verdict->rules->len > 0 ? g_ptr_array_index (verdict->rules, 0) : NULL;
      g_autofree char *msg = g_strdup_printf (_("The firewall stopped this program before it ran: %s "
                                                "(line %d). Nothing was executed."),
                                              rule ? rule->message : _("a forbidden operation"),
                                              rule ? rule->line : 0);
      wf_pipeline_stage_end (c, "blocked");
      wf_pipeline_set_outcome (c, WF_OUTCOME_BLOCKED, msg);
      return FALSE;
    }
  return TRUE;
}

gboolean
wf_pipeline_policy_installed (void)
{
  static gsize once = 0;
  static gboolean installed;

  /* The runner directory does not change while the process runs. */
  if (g_once_init_enter (&once))
    {
      g_autofree char *path = g_build_filename (wf_sandbox_get_runner_dir (), "whatif_policy.py", NULL);

      installed = g_file_test (path, G_FILE_TEST_EXISTS);
      g_once_init_leave (&once, 1);
    }
  return installed;
}

/* The local backends run the runner's policy check in the job itself, before
 * any of the code runs, and report its verdict with the result: one sandbox
 * job instead of a check job followed by a run job that checks again. */
gboolean
wf_pipeline_checks_in_job (Ctx *c)
{
  const char *backend;

  if (g_strcmp0 (c->run->language, "python") != 0 || !wf_pipeline_policy_installed ())
    return FALSE;
  backend = wf_sandbox_get_name (c->sandbox);
  return g_strcmp0 (backend, "bwrap") == 0 || g_strcmp0 (backend, "flatpak") == 0;
}

gboolean
wf_pipeline_verdict_allows (Ctx *c)
{
  g_autoptr(WfVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  gboolean local = FALSE;

  wf_pipeline_stage_begin (c, "firewall");
  if (g_strcmp0 (c->run->language, "sql") == 0)
    verdict = check_sql (c, &error);
  else
    verdict = wf_firewall_check_python (c->sandbox, c->run->code, c->cancellable, &error);
  if (verdict == NULL && g_strcmp0 (c->run->language, "sql") == 0)
    {
      wf_pipeline_stage_end (c, "error");
      wf_pipeline_set_outcome (c, WF_OUTCOME_FAILED, error->message);
      return FALSE;
    }
  if (verdict == NULL && !g_cancellable_is_cancelled (c->cancellable))
    {
      /* The runner's policy hook may be unavailable: check on the host, parse-only. */
      g_debug ("sandbox check failed (%s); checking on the host", error->message);
      g_clear_error (&error);
      verdict = wf_firewall_check_python_local (NULL, wf_sandbox_get_runner_dir (), c->run->code,
                                                c->cancellable, &error);
      local = TRUE;
    }
  if (verdict == NULL)
    {
      if (wf_pipeline_check_cancelled (c))
        return FALSE;
      wf_pipeline_stage_end (c, "error");
      wf_pipeline_set_outcome (c, WF_OUTCOME_SANDBOX_ERROR, error->message);
      return FALSE;
    }
  if (!apply_verdict (c, verdict, local ? "host" : NULL))
    return FALSE;
  wf_pipeline_stage_end (c, local ? "ok-host" : "ok");
  return TRUE;
}

/* The firewall span of a job that checked its own code: ends it with the
 * verdict the runner sent. The runner's wall time is the execution's, the
 * rest of the job's time (hand-over and the check) the firewall's. */
gboolean
wf_pipeline_job_verdict_allows (Ctx               *c,
                                const WfRunResult *r,
                                gint64             exec_us)
{
  g_autoptr(WfVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;

  c->span->duration_us += exec_us;   /* the start, moved: the firewall ends where the run began */
  if (r->verdict_json == NULL)
    {
      wf_pipeline_stage_end (c, "error");
      wf_pipeline_set_outcome (c, WF_OUTCOME_SANDBOX_ERROR,
                               r->error_message ? r->error_message
                                                : _("The sandbox ran the job without the firewall’s verdict."));
      return FALSE;
    }
  verdict = wf_verdict_from_json (r->verdict_json, -1, &error);
  if (verdict == NULL)
    {
      wf_pipeline_stage_end (c, "error");
      wf_pipeline_set_outcome (c, WF_OUTCOME_SANDBOX_ERROR, error->message);
      return FALSE;
    }
  if (!apply_verdict (c, verdict, NULL))
    return FALSE;
  wf_pipeline_stage_end (c, "ok");
  return TRUE;
}
