/* wf-sweep-dialog.h: vary one or two assumptions over a range
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "wf-pipeline.h"
#include "wf-types.h"

G_BEGIN_DECLS

#define WF_TYPE_SWEEP_DIALOG (wf_sweep_dialog_get_type ())
G_DECLARE_FINAL_TYPE (WfSweepDialog, wf_sweep_dialog, WF, SWEEP_DIALOG, AdwWindow)

/* run: copied; its params are the assumptions and its metrics the outputs. */
GtkWidget     *wf_sweep_dialog_new        (GtkWindow     *parent,
                                           WfPipeline    *pipeline,
                                           const WfRun   *run);
/* For tests and keyboard-free use: choose the axes as the form would.
 * axis 1 selects the second assumption (label NULL: one axis only); values
 * are in the param's own units (fractions for percent). */
gboolean       wf_sweep_dialog_set_axis   (WfSweepDialog *self,
                                           guint          axis,
                                           const char    *label,
                                           double         from,
                                           double         to,
                                           double         step);
/* Only these metrics (NULL-terminated); by default the first one. */
void           wf_sweep_dialog_set_metrics (WfSweepDialog     *self,
                                            const char * const *metrics);
/* Starts the sweep in a worker thread (as the Run button does). */
void           wf_sweep_dialog_start      (WfSweepDialog *self);
void           wf_sweep_dialog_cancel     (WfSweepDialog *self);
gboolean       wf_sweep_dialog_get_busy   (WfSweepDialog *self);
/* (nullable): the last result. */
const WfTable *wf_sweep_dialog_get_table  (WfSweepDialog *self);
/* (nullable): the last error message. */
const char    *wf_sweep_dialog_get_error  (WfSweepDialog *self);
GtkWidget     *wf_sweep_dialog_get_chart  (WfSweepDialog *self);
/* Writes the result as CSV (formula injection guarded by wf-csv). */
gboolean       wf_sweep_dialog_export_csv (WfSweepDialog *self,
                                           const char    *path,
                                           GError       **error);

G_END_DECLS
