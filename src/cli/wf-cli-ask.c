/* wf-cli-ask.c: `whatif-cli ask`, `rerun` and `sweep`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thin: every decision is the pipeline's. These commands parse, build a
 * WfRunRequest, run it synchronously and print the persisted run.
 */
#define G_LOG_DOMAIN "wf-cli"

#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "wf-cli-commands.h"
#include "wf-csv.h"
#include "wf-pipeline.h"
#include "wf-pipeline-providers.h"

static WfPipeline *
make_pipeline (WfStore    *store,
               const char *provider)
{
  WfPipeline *pipeline = wf_pipeline_new (wf_store_get_path (store), NULL);

  /* Remote providers are only created when asked for: they may touch the keyring. */
  if (provider != NULL && !g_str_equal (provider, "offline"))
    {
      g_autoptr(WfLlmProvider) p = wf_pipeline_provider_new (provider);

      if (p != NULL)
        wf_pipeline_add_provider (pipeline, p);
    }
  return pipeline;
}

static void
print_run_text (const WfRun *run)
{
  const WfRunResult *r = run->result;
  guint i;

  g_print ("%s\n", run->message ? run->message : "");
  if (run->clarification_json != NULL)
    {
      g_autoptr(JsonNode) node = json_from_string (run->clarification_json, NULL);
      JsonArray *options = node && JSON_NODE_HOLDS_OBJECT (node)
                           ? json_object_get_array_member (json_node_get_object (node), "options") : NULL;

      for (i = 0; options != NULL && i < json_array_get_length (options); i++)
        g_print ("  %u. %s\n", i + 1, json_array_get_string_element (options, i));
    }
  for (i = 0; r != NULL && i < r->metrics->len; i++)
    {
      const WfMetric *m = g_ptr_array_index (r->metrics, i);
      g_print ("  %s = %.10g%s%s\n", m->name, m->value, m->unit ? " " : "", m->unit ? m->unit : "");
    }
  for (i = 0; r != NULL && i < r->params->len; i++)
    {
      const WfParam *p = g_ptr_array_index (r->params, i);
      g_print (_("  assumption %s = %.10g (%s)\n"), p->label, p->value, p->kind);
    }
  if (run->explanation != NULL)
    g_print ("\n%s\n", run->explanation);
  g_print (_("\nrun %" PRId64 " in session %" PRId64 " (%s)\n"),
           run->id, run->session_id, wf_outcome_to_string (run->outcome));
}

static int
finish_run (WfCliCommon *common,
            const char  *command,
            WfRun       *run,
            const char  *csv_path)
{
  if (csv_path != NULL && run->result != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!wf_csv_export_run (run, NULL, csv_path, WF_CSV_FLAGS_NONE, &error))
        g_printerr (_("whatif-cli %s: could not write %s: %s\n"), command, csv_path, error->message);
    }
  if (common->json)
    {
      g_autoptr(JsonNode) node = wf_pipeline_run_to_json (run);
      wf_cli_print_json (node);
    }
  else
    print_run_text (run);
  return run->outcome == WF_OUTCOME_ANSWERED ? WF_CLI_EXIT_OK : WF_CLI_EXIT_FAILED;
}

int
wf_cli_ask (int    argc,
            char **argv)
{
  WfCliCommon common = { 0 };
  g_autofree char *provider = NULL;
  g_autofree char *model = NULL;
  g_autofree char *session = NULL;
  g_autofree char *csv = NULL;
  const GOptionEntry entries[] = {
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider, N_("auto, offline, openrouter, cohere or local"), N_("NAME") },
    { "model", 0, 0, G_OPTION_ARG_STRING, &model, N_("Model id"), N_("ID") },
    { "session", 0, 0, G_OPTION_ARG_STRING, &session, N_("Continue this session"), N_("ID") },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, N_("Write the result tables as CSV"), N_("FILE") },
    { NULL }
  };
  g_autoptr(WfStore) store = NULL;
  g_autoptr(WfPipeline) pipeline = NULL;
  g_autoptr(WfRun) run = NULL;
  g_autoptr(GError) error = NULL;
  WfRunRequest *req;
  gint64 session_id = 0;
  int ret;

  if (!wf_cli_parse (&argc, &argv, "ask", _("“QUESTION”"), _("Ask a money question."), entries, &common))
    return WF_CLI_EXIT_USAGE;
  if (argc != 2)
    {
      g_printerr (_("whatif-cli ask: give the question as one quoted argument\n"));
      wf_cli_common_clear (&common);
      return WF_CLI_EXIT_USAGE;
    }
  if (provider == NULL && g_getenv ("WHATIF_PROVIDER") != NULL)
    provider = g_strdup (g_getenv ("WHATIF_PROVIDER"));
  {
    /* "auto" (the default): openrouter once its key is set, else offline. */
    char *resolved = wf_pipeline_resolve_provider (provider);

    g_free (provider);
    provider = resolved;
  }
  if (provider != NULL && !g_str_equal (provider, "offline") && !g_str_equal (provider, "openrouter") &&
      !g_str_equal (provider, "cohere") && !g_str_equal (provider, "local"))
    {
      g_printerr (_("whatif-cli ask: unknown provider “%s” (expected offline, openrouter, cohere or local)\n"),
                  provider);
      wf_cli_common_clear (&common);
      return WF_CLI_EXIT_USAGE;
    }
  if (session != NULL && !wf_cli_parse_id (session, &session_id))
    {
      g_printerr (_("whatif-cli ask: “%s” is not a session id\n"), session);
      wf_cli_common_clear (&common);
      return WF_CLI_EXIT_USAGE;
    }
  store = wf_cli_open_store (&common);
  if (store == NULL)
    {
      wf_cli_common_clear (&common);
      return WF_CLI_EXIT_FAILED;
    }
  pipeline = make_pipeline (store, provider);
  req = wf_run_request_new (WF_MODE_ASK, argv[1]);
  req->provider = g_strdup (provider);
  req->model = g_strdup (model);
  req->session_id = session_id;
  run = wf_pipeline_run_sync (pipeline, req, NULL, &error);
  if (run == NULL)
    ret = wf_cli_fail (&common, "ask", WF_CLI_EXIT_FAILED, "%s", error->message);
  else
    ret = finish_run (&common, "ask", run, csv);
  wf_cli_common_clear (&common);
  return ret;
}

static gboolean
parse_number (const char *text,
              double     *out)
{
  char *end = NULL;
  double v;

  if (text == NULL || *text == '\0')
    return FALSE;
  v = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (v))
    return FALSE;
  *out = v;
  return TRUE;
}

int
wf_cli_rerun (int    argc,
              char **argv)
{
  WfCliCommon common = { 0 };
  g_auto(GStrv) sets = NULL;
  const GOptionEntry entries[] = {
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, N_("Change an assumption"), N_("LABEL=VALUE") },
    { NULL }
  };
  g_autoptr(WfStore) store = NULL;
  g_autoptr(WfPipeline) pipeline = NULL;
  g_autoptr(WfRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRunRequest) req = NULL;
  gint64 run_id;
  int ret;
  guint i;

  if (!wf_cli_parse (&argc, &argv, "rerun", "RUN_ID",
                     _("Re-run a run’s code with changed assumptions (no model call)."), entries, &common))
    return WF_CLI_EXIT_USAGE;
  if (argc != 2 || !wf_cli_parse_id (argv[1], &run_id))
    {
      g_printerr (_("whatif-cli rerun: give one run id\n"));
      wf_cli_common_clear (&common);
      return WF_CLI_EXIT_USAGE;
    }
  req = wf_run_request_new (WF_MODE_ASK, NULL);
  req->parent_run_id = run_id;
  for (i = 0; sets != NULL && sets[i] != NULL; i++)
    {
      const char *eq = strrchr (sets[i], '=');
      g_autofree char *label = eq ? g_strndup (sets[i], eq - sets[i]) : NULL;
      double v;

      if (eq == NULL || *g_strstrip (label) == '\0' || !parse_number (eq + 1, &v))
        {
          g_printerr (_("whatif-cli rerun: “%s” is not LABEL=NUMBER\n"), sets[i]);
          wf_cli_common_clear (&common);
          return WF_CLI_EXIT_USAGE;
        }
      wf_run_request_set_override (req, label, v);
    }
  store = wf_cli_open_store (&common);
  if (store == NULL)
    {
      wf_cli_common_clear (&common);
      return WF_CLI_EXIT_FAILED;
    }
  pipeline = make_pipeline (store, NULL);
  run = wf_pipeline_run_sync (pipeline, g_steal_pointer (&req), NULL, &error);
  if (run == NULL)
    ret = wf_cli_fail (&common, "rerun", WF_CLI_EXIT_FAILED, "%s", error->message);
  else
    ret = finish_run (&common, "rerun", run, NULL);
  wf_cli_common_clear (&common);
  return ret;
}

int
wf_cli_sweep (int    argc,
              char **argv)
{
  WfCliCommon common = { 0 };
  g_auto(GStrv) varies = NULL;
  g_auto(GStrv) metrics = NULL;
  g_autofree char *csv = NULL;
  const GOptionEntry entries[] = {
    { "vary", 0, 0, G_OPTION_ARG_STRING_ARRAY, &varies, N_("Vary an assumption (one or two)"),
      N_("LABEL=FROM:TO:STEP") },
    { "metric", 0, 0, G_OPTION_ARG_STRING_ARRAY, &metrics, N_("A metric to tabulate"), N_("NAME") },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, N_("Write the table as CSV"), N_("FILE") },
    { NULL }
  };
  WfSweepAxis axes[2] = { { 0 } };
  g_autoptr(WfStore) store = NULL;
  g_autoptr(WfPipeline) pipeline = NULL;
  g_autoptr(WfTable) table = NULL;
  g_autoptr(GError) error = NULL;
  gint64 run_id;
  guint n_axes, i;
  int ret = WF_CLI_EXIT_OK;

  if (!wf_cli_parse (&argc, &argv, "sweep", "RUN_ID",
                     _("Vary one or two assumptions of a run and tabulate its metrics."), entries, &common))
    return WF_CLI_EXIT_USAGE;
  n_axes = varies ? g_strv_length (varies) : 0;
  if (argc != 2 || !wf_cli_parse_id (argv[1], &run_id) || n_axes < 1 || n_axes > 2 ||
      metrics == NULL || metrics[0] == NULL)
    {
      g_printerr (_("whatif-cli sweep: give one run id, one or two --vary and at least one --metric\n"));
      wf_cli_common_clear (&common);
      return WF_CLI_EXIT_USAGE;
    }
  for (i = 0; i < n_axes; i++)
    {
      const char *eq = strrchr (varies[i], '=');
      g_auto(GStrv) parts = eq ? g_strsplit (eq + 1, ":", -1) : NULL;

      if (eq == NULL || eq == varies[i] || g_strv_length (parts) != 3 ||
          !parse_number (parts[0], &axes[i].from) || !parse_number (parts[1], &axes[i].to) ||
          !parse_number (parts[2], &axes[i].step))
        {
          g_printerr (_("whatif-cli sweep: “%s” is not LABEL=FROM:TO:STEP\n"), varies[i]);
          wf_cli_common_clear (&common);
          return WF_CLI_EXIT_USAGE;
        }
      axes[i].label = g_strndup (varies[i], eq - varies[i]);
    }
  store = wf_cli_open_store (&common);
  if (store != NULL)
    {
      pipeline = make_pipeline (store, NULL);
      table = wf_pipeline_sweep (pipeline, run_id, axes, n_axes, (const char * const *) metrics, NULL, &error);
    }
  if (store == NULL)
    ret = WF_CLI_EXIT_FAILED;
  else if (table == NULL)
    ret = wf_cli_fail (&common, "sweep", WF_CLI_EXIT_FAILED, "%s", error->message);
  else
    {
      g_autofree char *text = wf_csv_table_to_string (table, WF_CSV_FLAGS_NONE);

      if (csv != NULL && !g_file_set_contents (csv, text, -1, &error))
        ret = wf_cli_fail (&common, "sweep", WF_CLI_EXIT_FAILED, "%s", error->message);
      else if (common.json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();
          wf_table_to_json (table, b);
          wf_cli_print_builder (b);
        }
      else
        g_print ("%s", text);
    }
  for (i = 0; i < n_axes; i++)
    g_free (axes[i].label);
  wf_cli_common_clear (&common);
  return ret;
}
