/* wf-window.h: the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "wf-application.h"
#include "wf-asker.h"
#include "wf-pipeline.h"
#include "wf-store.h"

G_BEGIN_DECLS

#define WF_TYPE_WINDOW (wf_window_get_type ())
G_DECLARE_FINAL_TYPE (WfWindow, wf_window, WF, WINDOW, AdwApplicationWindow)

WfWindow   *wf_window_new                (WfApplication *application);
void        wf_window_set_store          (WfWindow      *self,
                                          WfStore       *store);
WfStore    *wf_window_get_store          (WfWindow      *self);
void        wf_window_set_asker          (WfWindow      *self,
                                          WfAsker       *asker);
/* The pipeline for re-runs with changed assumptions, sweeps and paste-and-run. */
void        wf_window_set_pipeline       (WfWindow      *self,
                                          WfPipeline    *pipeline);
/* Re-runs started and not yet shown (0 or 1: a newer one supersedes). */
gboolean    wf_window_get_rerun_pending  (WfWindow      *self);
guint       wf_window_get_n_reruns_shown (WfWindow      *self);
/* Writes every table of the run as CSV (what the card's Export CSV saves). */
gboolean    wf_window_export_run_csv     (WfWindow      *self,
                                          gint64         run_id,
                                          const char    *path,
                                          GError       **error);
/* The run the inspector shows (0: none). */
gint64      wf_window_get_selected_run   (WfWindow      *self);
GtkWidget  *wf_window_get_session_list   (WfWindow      *self);
GtkWidget  *wf_window_get_chat_view      (WfWindow      *self);
/* Placeholders the sibling widgets go into (inspector, budget indicator). */
GtkWidget  *wf_window_get_inspector_slot (WfWindow      *self);
GtkWidget  *wf_window_get_budget_slot    (WfWindow      *self);
gboolean    wf_window_get_inspector_visible (WfWindow   *self);
void        wf_window_set_inspector_visible (WfWindow   *self,
                                             gboolean    visible);
void        wf_window_add_toast          (WfWindow      *self,
                                          AdwToast      *toast);
/* The Data section: the sidebar's dataset list and the preview that takes the
 * chat's place while it shows. */
GtkWidget  *wf_window_get_data_page      (WfWindow      *self);
GtkWidget  *wf_window_get_data_preview   (WfWindow      *self);
gboolean    wf_window_get_data_visible   (WfWindow      *self);
void        wf_window_set_data_visible   (WfWindow      *self,
                                          gboolean       visible);
/* Shows the Data section and opens the import dialog for FILE; returns the
 * dialog (borrowed) or NULL when this build cannot import. */
GtkWidget  *wf_window_import_file        (WfWindow      *self,
                                          GFile         *file);

G_END_DECLS
