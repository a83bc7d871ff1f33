/* wf-cli-common.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "wf-cli.h"

gboolean
wf_cli_parse (int                  *argc,
              char               ***argv,
              const char           *command,
              const char           *parameter_string,
              const char           *summary,
              const GOptionEntry   *entries,
              WfCliCommon          *common)
{
  const GOptionEntry common_entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &common->json,
      N_("Print one JSON document on standard output"), NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &common->db_path,
      N_("Use this database instead of the default"), N_("PATH") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  /* GOption names the program from argv[0], which main() set to the
   * command: "run [OPTION…] FILE.py|FILE.sql". */
  context = g_option_context_new (parameter_string);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (summary)
    g_option_context_set_summary (context, summary);
  if (entries)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, common_entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("whatif-cli %s: %s\n", command, error->message);
      g_printerr (_("Try “whatif-cli %s --help”.\n"), command);
      return FALSE;
    }

  return TRUE;
}

void
wf_cli_common_clear (WfCliCommon *common)
{
  g_clear_pointer (&common->db_path, g_free);
}

WfStore *
wf_cli_open_store (WfCliCommon *common)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  WfStore *store;

  path = common->db_path ? g_strdup (common->db_path) : wf_store_dup_default_path ();
  store = wf_store_open (path, &error);
  if (store == NULL)
    wf_cli_fail (common, "store", WF_CLI_EXIT_FAILED, "%s", error->message);

  return store;
}

void
wf_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, FALSE);
  text = json_generator_to_data (generator, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

void
wf_cli_print_builder (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  wf_cli_print_json (root);
}

int
wf_cli_fail (WfCliCommon *common,
             const char  *command,
             int          exit_code,
             const char  *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (common != NULL && common->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, FALSE);
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, message);
      json_builder_end_object (builder);
      wf_cli_print_builder (builder);
    }
  else
    g_printerr ("whatif-cli %s: %s\n", command, message);

  return exit_code;
}

char *
wf_cli_format_usd (gint64 micros)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* Sub-cent costs are normal for model calls, so show up to 4 decimals. */
  if (micros != 0 && micros < 10000 && micros > -10000)
    return g_strdup_printf ("$%s", g_ascii_formatd (buf, sizeof buf, "%.4f", micros / 1e6));

  return g_strdup_printf ("$%s", g_ascii_formatd (buf, sizeof buf, "%.2f", micros / 1e6));
}

char *
wf_cli_format_time (gint64 unix_us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (unix_us / G_USEC_PER_SEC);

  if (dt == NULL)
    return g_strdup ("?");

  return g_date_time_format (dt, "%Y-%m-%d %H:%M");
}

gboolean
wf_cli_parse_id (const char *text,
                 gint64     *out_id)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;

  *out_id = (gint64) value;
  return TRUE;
}
