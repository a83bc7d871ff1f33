/* wf-cli-repair.c: whatif-cli repair
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads a model's raw answer on standard input and prints the repaired
 * {code, explanation, language} with the fixes applied, or the reason it
 * could not be repaired. Needs no database.
 */
#define G_LOG_DOMAIN "wf-cli-repair"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "wf-cli-commands.h"
#include "wf-repair.h"

/* Reads at most limit bytes; *too_large is set if there was more. */
static GBytes *
read_stdin_bounded (gsize      limit,
                    gboolean  *too_large,
                    GError   **error)
{
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  guint8 chunk[16384];

  *too_large = FALSE;
  for (;;)
    {
      ssize_t n = read (STDIN_FILENO, chunk, sizeof chunk);

      if (n < 0)
        {
          int saved = errno;

          if (saved == EINTR)
            continue;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not read standard input: %s"), g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;
      if (buf->len + (gsize) n > limit)
        {
          *too_large = TRUE;
          return NULL;
        }
      g_byte_array_append (buf, chunk, (guint) n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

int
wf_cli_repair (int    argc,
               char **argv)
{
  WfCliCommon common = { 0, };
  int max_kb = WF_REPAIR_DEFAULT_MAX_CODE_SIZE / 1024;
  const GOptionEntry entries[] = {
    { "max-code-kb", 0, 0, G_OPTION_ARG_INT, &max_kb,
      N_("Largest code accepted, in KB (default 200)"), N_("KB") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) input = NULL;
  g_autoptr(WfRepairResult) result = NULL;
  gboolean too_large = FALSE;
  gsize max_code;
  gsize len = 0;
  const char *data;
  int ret;

  if (!wf_cli_parse (&argc, &argv, "repair", "< ANSWER.txt",
                     _("Repair a model’s raw answer read from standard input."),
                     entries, &common))
    return WF_CLI_EXIT_USAGE;
  if (argc > 1 || max_kb <= 0 || max_kb > 64 * 1024)
    {
      g_printerr (_("whatif-cli repair: the answer is read from standard input; "
                    "--max-code-kb takes 1 to 65536\n"));
      wf_cli_common_clear (&common);
      return WF_CLI_EXIT_USAGE;
    }
  max_code = (gsize) max_kb * 1024;

  /* The same bound wf_repair() applies, checked before reading it all in. */
  input = read_stdin_bounded (max_code * 4 + 64 * 1024 + 1, &too_large, &error);
  if (input == NULL)
    {
      ret = wf_cli_fail (&common, "repair", WF_CLI_EXIT_FAILED, "%s",
                         too_large ? _("The answer on standard input is too large.")
                                   : error->message);
      wf_cli_common_clear (&common);
      return ret;
    }

  data = g_bytes_get_data (input, &len);
  result = wf_repair (data ? data : "", len, max_code, NULL, &error);
  if (result == NULL)
    {
      ret = wf_cli_fail (&common, "repair", WF_CLI_EXIT_FAILED, "%s", error->message);
      wf_cli_common_clear (&common);
      return ret;
    }

  if (common.json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "value");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, result->code);
      json_builder_set_member_name (builder, "explanation");
      json_builder_add_string_value (builder, result->explanation);
      json_builder_set_member_name (builder, "language");
      json_builder_add_string_value (builder, result->language);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "fixes");
      json_builder_begin_array (builder);
      for (guint i = 0; i < result->fixes->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (result->fixes, i));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      wf_cli_print_builder (builder);
    }
  else
    {
      g_autofree char *fixes = NULL;

      g_ptr_array_add (result->fixes, NULL);
      fixes = g_strjoinv (", ", (char **) result->fixes->pdata);
      /* The code alone on stdout so it can be piped; the rest on stderr. */
      g_printerr (_("Language: %s\n"), result->language);
      g_printerr (_("Fixes: %s\n"), fixes[0] ? fixes : _("none"));
      if (result->explanation[0] != '\0')
        g_printerr (_("Explanation: %s\n"), result->explanation);
      fputs (result->code, stdout);
      if (!g_str_has_suffix (result->code, "\n"))
        fputc ('\n', stdout);
      fflush (stdout);
    }

  wf_cli_common_clear (&common);
  return WF_CLI_EXIT_OK;
}
