/* wf-cli-check.c: whatif-cli check FILE|- [--language python|sql] [--json]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Python is checked by the policy inside the sandbox (a WF_JOB_CHECK job),
 * exactly as the pipeline does. When no sandbox backend can start, the
 * check falls back to the host's Python with the same whatif_policy.py: this
 * is acceptable because checking only parses (ast.parse and compile never
 * execute the code), the child runs isolated (-I -S, empty environment,
 * CPU and memory limits) and nothing is ever *run* outside the sandbox.
 * SQL is checked by SQLite's parser against the workbook's schema.
 */
#define G_LOG_DOMAIN "wf-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "wf-cli.h"
#include "wf-cli-commands.h"
#include "wf-firewall.h"
#include "wf-sandbox.h"
#include "wf-sql-firewall.h"

/* Larger files are refused before checking; the policy's own limit
 * (200 KB) then explains itself as a rule. */
#define CHECK_INPUT_MAX (4 * 1024 * 1024)

static char *
read_input (const char  *path,
            GError     **error)
{
  GString *text;
  FILE *in;
  char buf[8192];
  size_t n;

  if (strcmp (path, "-") != 0)
    {
      char *contents = NULL;
      gsize length = 0;
      GStatBuf st;

      if (g_stat (path, &st) == 0 && st.st_size > CHECK_INPUT_MAX)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       _("%s is larger than %d bytes"), path, CHECK_INPUT_MAX);
          return NULL;
        }
      if (!g_file_get_contents (path, &contents, &length, error))
        return NULL;
      if (strlen (contents) != length)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       _("%s contains NUL bytes; it is not a program"), path);
          g_free (contents);
          return NULL;
        }
      return contents;
    }

  text = g_string_new (NULL);
  in = stdin;
  while ((n = fread (buf, 1, sizeof buf, in)) > 0)
    {
      if (text->len + n > CHECK_INPUT_MAX)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       _("standard input is larger than %d bytes"), CHECK_INPUT_MAX);
          g_string_free (text, TRUE);
          return NULL;
        }
      if (memchr (buf, '\0', n) != NULL)
        {
          g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                               _("standard input contains NUL bytes; it is not a program"));
          g_string_free (text, TRUE);
          return NULL;
        }
      g_string_append_len (text, buf, n);
    }

  return g_string_free (text, FALSE);
}

static WfVerdict *
check_python (const char  *code,
              gboolean     no_sandbox,
              GError     **error)
{
  g_autoptr(WfSandbox) sandbox = NULL;
  g_autoptr(GError) sandbox_error = NULL;

  if (!no_sandbox)
    {
      sandbox = wf_sandbox_get_default (NULL, &sandbox_error);
      if (sandbox != NULL && wf_sandbox_is_available (sandbox, &sandbox_error))
        return wf_firewall_check_python (sandbox, code, NULL, error);

      g_printerr (_("whatif-cli check: no sandbox (%s); checking with the host Python, which only parses the code.\n"),
                  sandbox_error ? sandbox_error->message : _("unavailable"));
    }

  return wf_firewall_check_python_local (NULL, NULL, code, NULL, error);
}

static WfVerdict *
check_sql (WfCliCommon  *common,
           const char   *workbook,
           const char   *code,
           GError      **error)
{
  g_autoptr(WfSqlFirewall) firewall = NULL;
  g_autofree char *path = NULL;

  if (workbook != NULL)
    path = g_strdup (workbook);
  else
    {
      g_autofree char *db_path = common->db_path ? g_strdup (common->db_path)
                                                 : wf_store_dup_default_path ();
      g_autoptr(GError) store_error = NULL;
      g_autoptr(WfStore) store = wf_store_open (db_path, &store_error);

      if (store != NULL)
        path = wf_store_dup_workbook_path (store);
      else
        g_printerr (_("whatif-cli check: no workbook (%s); checking against an empty schema.\n"),
                    store_error->message);
    }

  /* No workbook yet: an empty schema, so that only table-free queries pass. */
  if (path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR))
    firewall = wf_sql_firewall_new_for_db (path, error);
  else
    firewall = wf_sql_firewall_new_for_schema ("", error);
  if (firewall == NULL)
    return NULL;

  return wf_sql_firewall_check (firewall, code);
}

int
wf_cli_check (int    argc,
              char **argv)
{
  WfCliCommon common = { 0 };
  g_autofree char *language = NULL;
  g_autofree char *workbook = NULL;
  g_autofree char *code = NULL;
  g_autoptr(WfVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  gboolean no_sandbox = FALSE;
  const char *path;
  int status;
  const GOptionEntry entries[] = {
    { "language", 'l', 0, G_OPTION_ARG_STRING, &language,
      N_("python or sql (default: from the file name, else python)"), N_("LANGUAGE") },
    { "workbook", 0, 0, G_OPTION_ARG_FILENAME, &workbook,
      N_("Check SQL against this workbook instead of the store’s"), N_("PATH") },
    { "no-sandbox", 0, 0, G_OPTION_ARG_NONE, &no_sandbox,
      N_("Check Python with the host interpreter (parsing only)"), NULL },
    { NULL }
  };

  if (!wf_cli_parse (&argc, &argv, "check", N_("FILE|-"),
                     _("Check code against the firewall policy without running it."),
                     entries, &common))
    return WF_CLI_EXIT_USAGE;

  if (argc != 2)
    {
      g_printerr (_("whatif-cli check: give exactly one FILE, or - for standard input\n"));
      wf_cli_common_clear (&common);
      return WF_CLI_EXIT_USAGE;
    }
  path = argv[1];

  if (language == NULL)
    language = g_strdup (g_str_has_suffix (path, ".sql") || g_str_has_suffix (path, ".SQL")
                         ? "sql" : "python");
  if (strcmp (language, "python") != 0 && strcmp (language, "sql") != 0)
    {
      g_printerr (_("whatif-cli check: --language must be python or sql, not “%s”\n"), language);
      wf_cli_common_clear (&common);
      return WF_CLI_EXIT_USAGE;
    }

  code = read_input (path, &error);
  if (code == NULL)
    {
      status = wf_cli_fail (&common, "check", WF_CLI_EXIT_USAGE, "%s", error->message);
      wf_cli_common_clear (&common);
      return status;
    }

  if (strcmp (language, "sql") == 0)
    verdict = check_sql (&common, workbook, code, &error);
  else
    verdict = check_python (code, no_sandbox, &error);

  if (verdict == NULL)
    {
      status = wf_cli_fail (&common, "check", WF_CLI_EXIT_FAILED, "%s", error->message);
      wf_cli_common_clear (&common);
      return status;
    }

  if (common.json)
    {
      g_autoptr(JsonNode) node = wf_verdict_to_json_node (verdict);

      wf_cli_print_json (node);
    }
  else
    {
      g_print ("%s\n", wf_verdict_is_allowed (verdict) ? _("allow") : _("block"));
      for (guint i = 0; i < verdict->rules->len; i++)
        {
          const WfRule *r = g_ptr_array_index (verdict->rules, i);

          g_print ("%s:%d:%d: %s: %s\n", strcmp (path, "-") == 0 ? "<stdin>" : path,
                   r->line, r->column, r->rule, r->message);
        }
    }

  wf_cli_common_clear (&common);
  return wf_verdict_is_allowed (verdict) ? WF_CLI_EXIT_OK : WF_CLI_EXIT_FAILED;
}
