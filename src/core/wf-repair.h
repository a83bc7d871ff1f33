/* wf-repair.h: structured repair of a model's raw answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Stage 6 of the pipeline (DESIGN §1). A model is asked for one JSON object
 * {"code": "…", "explanation": "…", "language": "python"|"sql"} and answers in
 * many broken shapes. wf_repair() turns the raw text into that object or a
 * clear error. It never invents code: every byte of the code it returns was in
 * the answer (fences, quotes and escapes aside).
 *
 * Re-ask: when wf_repair() fails, the pipeline may send the model ONE
 * correction, built by wf_repair_build_reask_prompt(), and repair the second
 * answer. It never sends a second correction (WF_REPAIR_MAX_REASKS): a model
 * that fails twice will not do better on the third try and each try costs.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define WF_REPAIR_ERROR (wf_repair_error_quark ())

typedef enum
{
  WF_REPAIR_ERROR_UNRECOVERABLE,        /* empty, binary, prose with no code */
  WF_REPAIR_ERROR_TRUNCATED_CODE,       /* the answer stops inside the code */
  WF_REPAIR_ERROR_BIDI_CONTROL,         /* Unicode direction controls in code (Trojan Source) */
  WF_REPAIR_ERROR_TOO_LARGE,            /* code or answer over the size limit */
  WF_REPAIR_ERROR_WRONG_TYPE,           /* a field of a type that cannot be converted losslessly */
  WF_REPAIR_ERROR_UNSUPPORTED_LANGUAGE, /* language other than Python or SQL */
} WfRepairError;

/* Default limit on the size of the code, in bytes. */
#define WF_REPAIR_DEFAULT_MAX_CODE_SIZE (200 * 1024)

/* The pipeline sends at most this many correction prompts per run. */
#define WF_REPAIR_MAX_REASKS 1

typedef struct
{
  char      *code;
  char      *explanation;
  char      *language;   /* "python" or "sql" */
  GPtrArray *fixes;      /* (element-type utf8) stable short ids, e.g. "trailing_comma" */
} WfRepairResult;

/* Work done by one call, for linearity checks in tests and the bench. */
typedef struct
{
  guint64 steps;       /* characters examined, summed over every pass */
  guint   candidates;  /* JSON objects tried */
} WfRepairStats;

GQuark          wf_repair_error_quark        (void);

/* raw: the model's answer, length bytes (-1: NUL-terminated). max_code_size:
 * 0 for WF_REPAIR_DEFAULT_MAX_CODE_SIZE. stats: optional, filled in on return
 * whether or not it succeeded. */
WfRepairResult *wf_repair                    (const char            *raw,
                                              gssize                 length,
                                              gsize                  max_code_size,
                                              WfRepairStats         *stats,
                                              GError               **error);
void            wf_repair_result_free        (WfRepairResult        *result);
gboolean        wf_repair_result_has_fix     (const WfRepairResult  *result,
                                              const char            *fix);

/* The one correction prompt for the model ("Your last answer was not valid
 * JSON because …"), from the error wf_repair() returned. Not translated: the
 * model reads it, not the user. */
char           *wf_repair_build_reask_prompt (const GError          *error);

/* "python", "sql" or NULL: the canonical name for a language label a model
 * wrote (py, Python 3, python3, sqlite, SQL…). */
const char     *wf_repair_normalize_language (const char            *label);
/* "python" or "sql", from the code itself. */
const char     *wf_repair_infer_language     (const char            *code);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfRepairResult, wf_repair_result_free)

G_END_DECLS
