/* wf-prompt.h: the versioned system prompt for remote models
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Bumped whenever the wording changes, so a stored run says which prompt it saw. */
#define WF_PROMPT_VERSION 1

const char *wf_prompt_get_system (void);

/* The system prompt followed by the user's dataset schemas as quoted data.
 * datasets: (element-type WfDataset) (nullable) */
char       *wf_prompt_build_system (GPtrArray *datasets);

G_END_DECLS
