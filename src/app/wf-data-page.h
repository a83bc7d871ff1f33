/* wf-data-page.h: the sidebar's Data section, the user's imported datasets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "wf-sandbox.h"
#include "wf-store.h"

G_BEGIN_DECLS

#define WF_TYPE_DATA_PAGE (wf_data_page_get_type ())
G_DECLARE_FINAL_TYPE (WfDataPage, wf_data_page, WF, DATA_PAGE, GtkWidget)

GtkWidget  *wf_data_page_new               (void);
void        wf_data_page_set_store         (WfDataPage  *self,
                                            WfStore     *store);
/* The sandbox imports and previews run in; when none is set, the default
 * backend of the "sandbox-backend" setting is made on first use. (transfer none) */
WfSandbox  *wf_data_page_get_sandbox       (WfDataPage  *self,
                                            GError     **error);
void        wf_data_page_set_sandbox       (WfDataPage  *self,
                                            WfSandbox   *sandbox);
/* Reads the list again, keeping the selection when it still exists. */
void        wf_data_page_reload            (WfDataPage  *self);
guint       wf_data_page_get_n_datasets    (WfDataPage  *self);
/* (transfer none) (nullable) */
const char *wf_data_page_get_name          (WfDataPage  *self,
                                            guint        position);
/* (transfer none) (nullable) */
const char *wf_data_page_get_selected_name (WfDataPage  *self);
gboolean    wf_data_page_select_name       (WfDataPage  *self,
                                            const char  *name);
void        wf_data_page_unselect          (WfDataPage  *self);
gboolean    wf_data_page_rename            (WfDataPage  *self,
                                            const char  *name,
                                            const char  *new_name,
                                            GError     **error);
/* Hides the dataset and shows an undo toast; its record and its rows are
 * deleted only when the toast goes away without Undo. Returns the toast
 * (borrowed), or NULL when there is nowhere to show one (then it is deleted
 * at once). */
AdwToast   *wf_data_page_delete            (WfDataPage  *self,
                                            const char  *name);
/* Opens the import dialog for FILE over the window this page is in. Returns
 * the dialog (borrowed), or NULL when this build cannot import. */
GtkWidget  *wf_data_page_import_file       (WfDataPage  *self,
                                            GFile       *file);
/* Whether this build has the CSV importer. */
gboolean    wf_data_page_can_import        (void);

G_END_DECLS
