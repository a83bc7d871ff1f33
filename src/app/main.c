/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "wf-application.h"
#include "wf-redact.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(WfApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* WHATIF_LOCALEDIR lets an uninstalled build (build-aux/dev run) use the
   * translations meson compiled into build/po. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("WHATIF_LOCALEDIR") ? g_getenv ("WHATIF_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Every log line goes through redaction: no key may reach a terminal or
   * the journal, whatever a library or a server put in a message. */
  g_log_set_writer_func (wf_redact_log_writer, NULL, NULL);

  app = wf_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
