/* wf-cli.h: shared plumbing of the whatif-cli sub-commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "wf-store.h"

G_BEGIN_DECLS

/* Exit codes (DESIGN §9) */
#define WF_CLI_EXIT_OK     0
#define WF_CLI_EXIT_FAILED 1
#define WF_CLI_EXIT_USAGE  2

typedef struct
{
  const char *name;
  const char *summary;
  /* argv[0] is the sub-command's name */
  int       (*run) (int    argc,
                    char **argv);
} WfCliCommand;

/* Options every sub-command takes. */
typedef struct
{
  gboolean  json;
  char     *db_path;
} WfCliCommon;

/* Parses argv with the command's own entries plus --json and --db. On a usage
 * error prints it with the command's help hint and returns FALSE. */
gboolean  wf_cli_parse            (int                  *argc,
                                   char               ***argv,
                                   const char           *command,
                                   const char           *parameter_string,
                                   const char           *summary,
                                   const GOptionEntry   *entries,
                                   WfCliCommon          *common);
void      wf_cli_common_clear     (WfCliCommon          *common);

/* --db, else $WHATIF_DB, else the default path. Prints the error itself. */
WfStore  *wf_cli_open_store       (WfCliCommon          *common);

/* One JSON document on stdout, followed by a newline. */
void      wf_cli_print_json       (JsonNode             *node);
void      wf_cli_print_builder    (JsonBuilder          *builder);

/* Prints "whatif-cli COMMAND: message" on stderr (or {"ok":false,"error":…} on
 * stdout in --json mode) and returns exit_code. */
int       wf_cli_fail             (WfCliCommon          *common,
                                   const char           *command,
                                   int                   exit_code,
                                   const char           *format,
                                   ...) G_GNUC_PRINTF (4, 5);

/* "$1.23" style, always with a dot: the CLI is for scripts as much as people. */
char     *wf_cli_format_usd       (gint64                micros);
char     *wf_cli_format_time      (gint64                unix_us);

gboolean  wf_cli_parse_id         (const char           *text,
                                   gint64               *out_id);

G_END_DECLS
