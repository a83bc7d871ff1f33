/* wf-inspector.h: everything about one run, in tabs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "wf-assumptions.h"
#include "wf-types.h"

G_BEGIN_DECLS

#define WF_TYPE_INSPECTOR (wf_inspector_get_type ())
G_DECLARE_FINAL_TYPE (WfInspector, wf_inspector, WF, INSPECTOR, GtkWidget)

GtkWidget  *wf_inspector_new           (void);
/* Copies what it shows; NULL clears. */
void        wf_inspector_set_run       (WfInspector *self,
                                        const WfRun *run);
/* Tab names: code, output, results, chart, cost, checks. */
void        wf_inspector_set_page      (WfInspector *self,
                                        const char  *name);
const char *wf_inspector_get_page      (WfInspector *self);
AdwViewStack *wf_inspector_get_stack   (WfInspector *self);
/* The code as in the editor (edited or not). */
char       *wf_inspector_dup_code      (WfInspector *self);
/* python | sql: the highlighting and the language the edited program runs as. */
void        wf_inspector_set_language  (WfInspector *self,
                                        const char  *language);
void        wf_inspector_set_editable  (WfInspector *self,
                                        gboolean     editable);
/* The children of the Results and Chart tabs, for the lead and the tests. */
GtkWidget  *wf_inspector_get_results_view (WfInspector *self,
                                           guint        index);
GtkWidget  *wf_inspector_get_chart        (WfInspector *self,
                                           guint        index);
/* The run whose assumptions the Assumptions tab shows (re-runs keep it). */
gint64      wf_inspector_get_base_run  (WfInspector *self);
WfAssumptions *wf_inspector_get_assumptions (WfInspector *self);
/* Plain text of a tab's labels, for tests and accessibility checks. */
char       *wf_inspector_dup_page_text (WfInspector *self,
                                        const char  *name);

G_END_DECLS
