/* wf-firewall.h: firewall verdicts for Python and SQL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A verdict says whether code may run and, if not, which rules it broke,
 * each with a line, a column and a message a person can read. Python is
 * checked by the runner's AST policy (whatif_policy.py) inside the sandbox;
 * SQL by SQLite's own parser (wf-sql-firewall.h).
 *
 * The firewall is a pre-filter that explains refusals; the OS sandbox is
 * the boundary (DESIGN §6).
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "wf-sandbox.h"

G_BEGIN_DECLS

#define WF_FIREWALL_ERROR (wf_firewall_error_quark ())
GQuark wf_firewall_error_quark (void);

typedef enum
{
  WF_FIREWALL_ERROR_INVALID,      /* a verdict document that is not what the policy writes */
  WF_FIREWALL_ERROR_CHECKER,      /* the checker could not run or failed */
  WF_FIREWALL_ERROR_LANGUAGE,     /* neither python nor sql */
} WfFirewallError;

typedef enum
{
  WF_VERDICT_ALLOW,
  WF_VERDICT_BLOCK,
} WfVerdictKind;

typedef struct
{
  char *rule;         /* stable id, e.g. "dunder-attribute", "sql-write" */
  int   line;         /* 1-based; 0 when the rule concerns the whole program */
  int   column;       /* 1-based, in characters; 0 when unknown */
  char *message;
} WfRule;

typedef struct
{
  WfVerdictKind  verdict;
  char          *language;  /* python | sql */
  GPtrArray     *rules;     /* (element-type WfRule) */
} WfVerdict;

/* Bounds on a verdict document read back from the runner. */
#define WF_VERDICT_MAX_BYTES (1024 * 1024)
#define WF_VERDICT_MAX_RULES 1000

WfVerdict  *wf_verdict_new          (WfVerdictKind      verdict,
                                     const char        *language);
void        wf_verdict_free         (WfVerdict         *verdict);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfVerdict, wf_verdict_free)

/* Adds a rule; a verdict with a rule is a block. */
void        wf_verdict_add_rule     (WfVerdict         *verdict,
                                     const char        *rule,
                                     int                line,
                                     int                column,
                                     const char        *message);
gboolean    wf_verdict_is_allowed   (const WfVerdict   *verdict);
/* Whether any rule has this id. */
gboolean    wf_verdict_has_rule     (const WfVerdict   *verdict,
                                     const char        *rule);

/* {"verdict":"allow"|"block","language":…,"rules":[{"rule","line","column","message"}]} */
WfVerdict  *wf_verdict_from_json    (const char        *json,
                                     gssize             length,
                                     GError           **error);
JsonNode   *wf_verdict_to_json_node (const WfVerdict   *verdict);
char       *wf_verdict_to_json      (const WfVerdict   *verdict);

/* Asks SANDBOX for a verdict on Python CODE (a WF_JOB_CHECK job): the
 * production path, since the checker then runs with the interpreter and
 * libraries that will run the code. Blocks; call from a worker thread. */
WfVerdict  *wf_firewall_check_python (WfSandbox       *sandbox,
                                      const char      *code,
                                      GCancellable    *cancellable,
                                      GError         **error);

/* Checks Python CODE with the host's PYTHON (NULL: WF_SANDBOX_PYTHON) and
 * the policy module in RUNNER_DIR (NULL: wf_sandbox_get_runner_dir ()),
 * outside any sandbox. This only parses: whatif_policy.check() calls
 * ast.parse and compile, neither of which runs the code, and the child is
 * started isolated (-I -S), with rlimits and a time limit. It serves tests,
 * the benchmark and `whatif-cli check` when no sandbox backend can start;
 * code is only ever *run* in the sandbox. */
WfVerdict  *wf_firewall_check_python_local (const char    *python,
                                            const char    *runner_dir,
                                            const char    *code,
                                            GCancellable  *cancellable,
                                            GError       **error);

G_END_DECLS
