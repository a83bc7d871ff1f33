/* main.c: whatif-cli, the headless face of What If
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "whatif-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "wf-cli.h"
#include "wf-cli-commands.h"
#include "wf-redact.h"

static const WfCliCommand commands[] = {
  WF_CLI_ASK_COMMANDS
  WF_CLI_RUN_COMMANDS
  WF_CLI_CHECK_COMMANDS
  WF_CLI_REPAIR_COMMANDS
  WF_CLI_HISTORY_COMMANDS
  WF_CLI_IMPORT_COMMANDS
  WF_CLI_BUDGET_COMMANDS
  WF_CLI_KEYS_COMMANDS
  { NULL, NULL, NULL }
};

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: whatif-cli COMMAND [OPTIONS…]"));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; commands[i].name != NULL; i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Every command takes --json and --db PATH; “whatif-cli COMMAND --help” says more."));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  /* WHATIF_LOCALEDIR lets an uninstalled build (build-aux/dev run) use the
   * translations meson compiled into build/po. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("WHATIF_LOCALEDIR") ? g_getenv ("WHATIF_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Every log line goes through redaction: no key may reach a terminal or
   * the journal, whatever a library or a server put in a message. */
  g_log_set_writer_func (wf_redact_log_writer, NULL, NULL);

  if (argc < 2)
    {
      print_usage (stderr);
      return WF_CLI_EXIT_USAGE;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return WF_CLI_EXIT_OK;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("whatif-cli %s\n", PACKAGE_VERSION);
      return WF_CLI_EXIT_OK;
    }

  for (guint i = 0; commands[i].name != NULL; i++)
    {
      if (g_str_equal (commands[i].name, argv[1]))
        return commands[i].run (argc - 1, argv + 1);
    }

  g_printerr (_("whatif-cli: unknown command “%s”\n\n"), argv[1]);
  print_usage (stderr);
  return WF_CLI_EXIT_USAGE;
}
