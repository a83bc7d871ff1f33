/* wf-results-view.h: one result table in a sortable GtkColumnView
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "wf-types.h"

G_BEGIN_DECLS

#define WF_TYPE_RESULTS_VIEW (wf_results_view_get_type ())
G_DECLARE_FINAL_TYPE (WfResultsView, wf_results_view, WF, RESULTS_VIEW, GtkWidget)

GtkWidget     *wf_results_view_new         (void);
/* Copies the table; NULL clears. */
void           wf_results_view_set_table   (WfResultsView  *self,
                                            const WfTable  *table);
const WfTable *wf_results_view_get_table   (WfResultsView  *self);
GtkColumnView *wf_results_view_get_column_view (WfResultsView *self);
/* The rows as shown (current sort order). */
GListModel    *wf_results_view_get_model   (WfResultsView  *self);
/* The displayed text of one cell of the sorted view; NULL if out of range. */
char          *wf_results_view_dup_cell_text (WfResultsView *self,
                                              guint          row,
                                              guint          column);
/* Tab-separated text of the header and the rows in the current order. */
char          *wf_results_view_to_tsv      (WfResultsView  *self);
void           wf_results_view_copy_tsv    (WfResultsView  *self);
gboolean       wf_results_view_export_csv  (WfResultsView  *self,
                                            const char     *path,
                                            GError        **error);

G_END_DECLS
