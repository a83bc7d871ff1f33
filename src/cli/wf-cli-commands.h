/* wf-cli-commands.h: the sub-commands, one group per file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each group declares its entry points and a table fragment for main.c.
 */
#pragma once

#include "wf-cli.h"

G_BEGIN_DECLS

/* wf-cli-history.c */
int wf_cli_history (int argc, char **argv);
int wf_cli_show    (int argc, char **argv);
int wf_cli_spend   (int argc, char **argv);
int wf_cli_export  (int argc, char **argv);
#define WF_CLI_HISTORY_COMMANDS                                                    \
  { "history", N_("List past runs, newest first"), wf_cli_history },               \
  { "show",    N_("Show one run: question, code, results and cost"), wf_cli_show }, \
  { "spend",   N_("Spend this month, by day and by model"), wf_cli_spend },        \
  { "export",  N_("Export a run’s tables as CSV"), wf_cli_export },

/* wf-cli-run.c */
int wf_cli_run (int argc, char **argv);
#define WF_CLI_RUN_COMMANDS \
  { "run", N_("Run a Python or SQL file in the sandbox"), wf_cli_run },

/* wf-cli-check.c */
int wf_cli_check (int argc, char **argv);
#define WF_CLI_CHECK_COMMANDS \
  { "check", N_("Check code against the firewall policy"), wf_cli_check },

/* wf-cli-repair.c */
int wf_cli_repair (int argc, char **argv);
#define WF_CLI_REPAIR_COMMANDS \
  { "repair", N_("Repair a model’s raw answer read from standard input"), wf_cli_repair },

/* wf-cli-keys.c */
int wf_cli_keys (int argc, char **argv);
#define WF_CLI_KEYS_COMMANDS \
  { "keys", N_("Set, clear or list API keys in the keyring"), wf_cli_keys },

/* wf-cli-budget.c */
int wf_cli_budget (int argc, char **argv);
#define WF_CLI_BUDGET_COMMANDS \
  { "budget", N_("Show or set the spend limits"), wf_cli_budget },

/* wf-cli-ask.c */
int wf_cli_ask   (int argc, char **argv);
int wf_cli_rerun (int argc, char **argv);
int wf_cli_sweep (int argc, char **argv);
#define WF_CLI_ASK_COMMANDS                                                           \
  { "ask",   N_("Ask a money question"), wf_cli_ask },                                \
  { "rerun", N_("Re-run a run with changed assumptions"), wf_cli_rerun },             \
  { "sweep", N_("Vary one or two assumptions and tabulate the results"), wf_cli_sweep },

/* wf-cli-import.c */
int wf_cli_import   (int argc, char **argv);
int wf_cli_datasets (int argc, char **argv);
#define WF_CLI_IMPORT_COMMANDS                                                   \
  { "import",   N_("Import a CSV file as a dataset"), wf_cli_import },           \
  { "datasets", N_("List, preview, rename or delete datasets"), wf_cli_datasets },

G_END_DECLS
