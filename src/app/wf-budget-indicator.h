/* wf-budget-indicator.h: spent / monthly limit in the header bar, and the spend view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "wf-budget.h"
#include "wf-store.h"

G_BEGIN_DECLS

#define WF_TYPE_BUDGET_INDICATOR (wf_budget_indicator_get_type ())
G_DECLARE_FINAL_TYPE (WfBudgetIndicator, wf_budget_indicator, WF, BUDGET_INDICATOR, GtkWidget)

GtkWidget     *wf_budget_indicator_new         (void);
void           wf_budget_indicator_set_store   (WfBudgetIndicator *self,
                                                WfStore           *store);
/* Reads the ledger again (after every run). */
void           wf_budget_indicator_refresh     (WfBudgetIndicator *self);
WfBudgetState  wf_budget_indicator_get_state   (WfBudgetIndicator *self);
/* Spent / monthly limit, 0–1 (0 without a limit). */
double         wf_budget_indicator_get_fraction (WfBudgetIndicator *self);
/* Opens the spend view and fills it. */
void           wf_budget_indicator_show_spend  (WfBudgetIndicator *self);
/* Plain text of the spend view's rows ("section\tkey\tamount" lines), for tests. */
char          *wf_budget_indicator_dup_spend_text (WfBudgetIndicator *self);

G_END_DECLS
