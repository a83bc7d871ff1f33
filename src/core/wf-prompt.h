/* wf-prompt.h: the versioned system prompt for remote models
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "wf-sandbox.h"

G_BEGIN_DECLS

/* Bumped whenever the wording changes, so a stored run says which prompt it saw. */
#define WF_PROMPT_VERSION 2

const char *wf_prompt_get_system (void);

/* The system prompt followed by the user's dataset schemas as quoted data.
 * datasets: (element-type WfDataset) (nullable) */
char       *wf_prompt_build_system (GPtrArray *datasets);

/* Limits on what of the user's data goes into a prompt: every name and cell
 * is cut to its cap, so a file cannot fill the context or smuggle a speech. */
#define WF_PROMPT_MAX_DATASETS     20
#define WF_PROMPT_MAX_COLUMNS      40
#define WF_PROMPT_MAX_NAME_CHARS   64
#define WF_PROMPT_MAX_CELL_CHARS   40
#define WF_PROMPT_SAMPLE_ROWS      3
#define WF_PROMPT_MAX_DATA_BYTES   (24 * 1024)

/* The same with a few sample rows per dataset. samples: (element-type utf8
 * WfTable) dataset name → its first rows (nullable, and any entry may be
 * missing). Headers and cells are capped and escaped so that nothing in them
 * can close the data block: no backtick, no angle bracket, no line break
 * survives outside a JSON escape. */
char       *wf_prompt_build_system_full (GPtrArray  *datasets,
                                         GHashTable *samples);

/* One sentence for the end of the system prompt: which currency the money
 * is in and that its ISO code is the unit of money metrics. CODE must be a
 * valid ISO 4217 code (three capital letters), else NULL is returned.
 * NAMED: the user named it, in the question or the turn it follows up
 * (else it is the user's default, which the conversation may override). */
char       *wf_prompt_currency_note     (const char *code,
                                         gboolean    named);

/* The first WF_PROMPT_SAMPLE_ROWS rows of each dataset (at most the first
 * five), read in the sandbox by a read-only SQL job: imported cells are never
 * parsed on the host. Datasets that cannot be read are left out. Returns a
 * table (element-type utf8 WfTable), never NULL. Blocking. */
GHashTable *wf_prompt_fetch_samples (WfSandbox    *sandbox,
                                     const char   *workbook_path,
                                     GPtrArray    *datasets,
                                     GCancellable *cancellable);

G_END_DECLS
