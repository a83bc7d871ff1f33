/* wf-data-preview.h: the first rows of a dataset, in the main pane
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "wf-sandbox.h"
#include "wf-store.h"

G_BEGIN_DECLS

#define WF_TYPE_DATA_PREVIEW (wf_data_preview_get_type ())
G_DECLARE_FINAL_TYPE (WfDataPreview, wf_data_preview, WF, DATA_PREVIEW, GtkWidget)

#define WF_DATA_PREVIEW_ROWS 100

GtkWidget  *wf_data_preview_new       (void);
/* Shows DATASET (or the "nothing selected" page for NULL) and reads its first
 * rows from the workbook in the sandbox, on a worker thread with its own
 * connection to STORE's database. */
void        wf_data_preview_set_dataset (WfDataPreview   *self,
                                         WfStore         *store,
                                         WfSandbox       *sandbox,
                                         const WfDataset *dataset);
/* "empty" | "loading" | "table" | "error" */
const char *wf_data_preview_get_state   (WfDataPreview   *self);
/* (transfer none) (nullable): the rows shown */
GListModel *wf_data_preview_get_rows    (WfDataPreview   *self);
/* (transfer none) (nullable) */
GtkColumnView *wf_data_preview_get_column_view (WfDataPreview *self);
/* (transfer none) (nullable): what went wrong when the state is "error" */
const char *wf_data_preview_get_error   (WfDataPreview   *self);

G_END_DECLS
