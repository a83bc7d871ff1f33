/* wf-import-dialog.h: names a CSV file's dataset, then imports it with progress
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "wf-sandbox.h"
#include "wf-store.h"

G_BEGIN_DECLS

#define WF_TYPE_IMPORT_DIALOG (wf_import_dialog_get_type ())
G_DECLARE_FINAL_TYPE (WfImportDialog, wf_import_dialog, WF, IMPORT_DIALOG, AdwWindow)

/* STORE is used on this thread for the name checks only; the import opens
 * its own connection to the same database on a worker thread. */
GtkWidget  *wf_import_dialog_new          (GtkWindow   *parent,
                                           WfStore     *store,
                                           WfSandbox   *sandbox,
                                           GFile       *file);
/* (transfer none) */
const char *wf_import_dialog_get_name     (WfImportDialog *self);
void        wf_import_dialog_set_name     (WfImportDialog *self,
                                           const char     *name);
/* Whether the name can be used as it is: valid, and free (or replace was
 * offered, see can_replace). */
gboolean    wf_import_dialog_get_name_ok  (WfImportDialog *self);
/* The name is taken: importing replaces that dataset. */
gboolean    wf_import_dialog_get_replaces (WfImportDialog *self);
/* What the dialog says about the name or the import's failure (nullable). */
const char *wf_import_dialog_get_message  (WfImportDialog *self);
/* Starts the import, as the Import / Replace button does. */
void        wf_import_dialog_start        (WfImportDialog *self);
gboolean    wf_import_dialog_get_busy     (WfImportDialog *self);
void        wf_import_dialog_cancel       (WfImportDialog *self);

G_END_DECLS
