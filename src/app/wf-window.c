/* wf-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A leaflet holds the session sidebar and the chat; on a narrow window it
 * folds into one page at a time. The inspector is a flap at the end of the
 * chat that folds over it when there is no room beside it.
 */
#define G_LOG_DOMAIN "wf-window"

#include "config.h"

#include <glib/gi18n.h>

#include "wf-chat-view.h"
#include "wf-data-page.h"
#include "wf-data-preview.h"
#include "wf-session-list.h"
#include "wf-window.h"
#include "wf-inspector.h"
#include "wf-budget-indicator.h"
#include "wf-sweep-dialog.h"
#include "wf-csv.h"

struct _WfWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar;
  GtkWidget            *content;
  WfSessionList        *session_list;
  AdwViewStack         *sidebar_stack;
  WfDataPage           *data_page;
  WfDataPreview        *data_preview;
  GtkWidget            *inspector_button;
  WfChatView           *chat_view;
  AdwFlap              *inspector_flap;
  GtkWidget            *inspector_slot;
  WfInspector          *inspector;        /* owned by inspector_slot */
  GtkWidget            *budget_slot;
  WfBudgetIndicator    *budget_indicator;  /* owned by budget_slot */
  AdwWindowTitle       *title_widget;
  GtkWidget            *back_button;
  GtkWidget            *sidebar_header;
  GtkWidget            *content_header;

  GSettings            *settings;
  WfStore              *store;
  gint64                selected_run_id;

  WfPipeline           *pipeline;
  GCancellable         *rerun_cancellable;  /* the newest re-run; older ones are cancelled */
  guint                 n_reruns_shown;
  GCancellable         *paste_cancellable;
  guint                 first_frame_handler;
};

enum {
  IMPORT_DATA,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WfWindow, wf_window, ADW_TYPE_APPLICATION_WINDOW)

static void
update_title (WfWindow *self)
{
  gint64 id = wf_chat_view_get_session (self->chat_view);
  g_autoptr(WfSessionInfo) info = NULL;

  if (wf_window_get_data_visible (self))
    {
      const char *name = wf_data_page_get_selected_name (self->data_page);

      adw_window_title_set_title (self->title_widget, name ? name : _("Data"));
      adw_window_title_set_subtitle (self->title_widget, NULL);
      return;
    }

  if (id != 0 && self->store != NULL)
    info = wf_store_get_session (self->store, id, NULL);

  if (info != NULL)
    {
      g_autofree char *subtitle =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u question", "%u questions", info->n_runs),
                         info->n_runs);

      adw_window_title_set_title (self->title_widget, info->title ? info->title : _("Untitled Session"));
      adw_window_title_set_subtitle (self->title_widget, subtitle);
    }
  else
    {
      adw_window_title_set_title (self->title_widget, _("New Session"));
      adw_window_title_set_subtitle (self->title_widget, NULL);
    }
}

static void
session_selected_cb (WfWindow      *self,
                     gint64         session_id,
                     WfSessionList *list)
{
  if (session_id == 0)
    return;

  if (wf_chat_view_get_session (self->chat_view) != session_id)
    {
      wf_chat_view_set_session (self->chat_view, session_id);
      update_title (self);
    }
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

/* The Data page of the sidebar swaps the chat for the dataset preview. */
static void
sidebar_page_cb (WfWindow *self)
{
  gboolean data = wf_window_get_data_visible (self);

  /* `whatif-cli import` may have added datasets meanwhile. */
  if (data)
    wf_data_page_reload (self->data_page);
  gtk_widget_set_visible (GTK_WIDGET (self->inspector_flap), !data);
  gtk_widget_set_visible (GTK_WIDGET (self->data_preview), data);
  gtk_widget_set_visible (self->inspector_button, !data);
  update_title (self);
}

static void
dataset_selected_cb (WfWindow   *self,
                     const char *name,
                     WfDataPage *page)
{
  g_autoptr(WfDataset) dataset = NULL;

  if (name != NULL && self->store != NULL)
    dataset = wf_store_get_dataset (self->store, name, NULL);
  wf_data_preview_set_dataset (self->data_preview, self->store,
                               dataset ? wf_data_page_get_sandbox (page, NULL) : NULL, dataset);
  update_title (self);
  if (name != NULL)
    adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static void
run_finished_cb (WfWindow   *self,
                 gint64      run_id,
                 gint64      session_id,
                 WfChatView *chat)
{
  g_signal_handlers_block_by_func (self->session_list, session_selected_cb, self);
  wf_session_list_reload (self->session_list);
  if (wf_chat_view_get_session (chat) == session_id)
    wf_session_list_select_id (self->session_list, session_id);
  g_signal_handlers_unblock_by_func (self->session_list, session_selected_cb, self);
  update_title (self);
  wf_budget_indicator_refresh (self->budget_indicator);
}


/* Re-runs with changed assumptions: the parent's code on the warm sandbox,
 * no model call. Only the newest re-run is shown; starting one cancels the
 * one in flight, so dragging a slider never queues stale results. */

typedef struct
{
  WfWindow     *self;
  gint64        base_run_id;
  GCancellable *cancellable;
  GHashTable   *values;
} RerunData;

static void
rerun_data_free (RerunData *data)
{
  g_object_unref (data->self);
  g_object_unref (data->cancellable);
  g_hash_table_unref (data->values);
  g_free (data);
}

static GHashTable *
copy_values (GHashTable *values)
{
  GHashTable *copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, values);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_replace (copy, g_strdup (key), g_memdup2 (value, sizeof (double)));
  return copy;
}

static void
rerun_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  RerunData *data = user_data;
  WfWindow *self = data->self;
  g_autoptr(WfRun) run = NULL;
  g_autoptr(GError) error = NULL;

  run = wf_pipeline_run_finish (WF_PIPELINE (source), result, &error);
  /* Superseded by a newer re-run, or the window is going away. */
  if (data->cancellable != self->rerun_cancellable || g_cancellable_is_cancelled (data->cancellable))
    {
      rerun_data_free (data);
      return;
    }
  g_clear_object (&self->rerun_cancellable);

  if (run == NULL)
    {
      AdwToast *toast = adw_toast_new (error->message);

      wf_window_add_toast (self, toast);
      rerun_data_free (data);
      return;
    }

  wf_chat_view_update_results (self->chat_view, data->base_run_id, run);
  {
    GtkWidget *card_assumptions = wf_chat_view_get_card_assumptions (self->chat_view, data->base_run_id);

    if (card_assumptions != NULL)
      wf_assumptions_set_values (WF_ASSUMPTIONS (card_assumptions), data->values);
  }
  if (self->inspector != NULL && wf_inspector_get_base_run (self->inspector) == data->base_run_id)
    {
      wf_inspector_set_run (self->inspector, run);
      wf_assumptions_set_values (wf_inspector_get_assumptions (self->inspector), data->values);
      self->selected_run_id = run->id;
    }
  self->n_reruns_shown++;
  rerun_data_free (data);
}

static void
start_rerun (WfWindow   *self,
             gint64      base_run_id,
             GHashTable *values)
{
  WfRunRequest *req;
  RerunData *data;
  GHashTableIter iter;
  gpointer key, value;

  if (self->pipeline == NULL || base_run_id <= 0 || values == NULL)
    return;

  if (self->rerun_cancellable != NULL)
    g_cancellable_cancel (self->rerun_cancellable);
  g_clear_object (&self->rerun_cancellable);
  self->rerun_cancellable = g_cancellable_new ();

  req = wf_run_request_new (WF_MODE_ASK, NULL);
  req->parent_run_id = base_run_id;
  g_hash_table_iter_init (&iter, values);
  while (g_hash_table_iter_next (&iter, &key, &value))
    wf_run_request_set_override (req, key, *(double *) value);

  data = g_new0 (RerunData, 1);
  data->self = g_object_ref (self);
  data->base_run_id = base_run_id;
  data->cancellable = g_object_ref (self->rerun_cancellable);
  data->values = copy_values (values);
  wf_pipeline_run_async (self->pipeline, req, data->cancellable, rerun_cb, data);
}

static void
card_assumptions_changed_cb (WfChatView *chat,
                             gint64      run_id,
                             GHashTable *values,
                             WfWindow   *self)
{
  start_rerun (self, run_id, values);
}

static void
inspector_assumptions_changed_cb (WfInspector *inspector,
                                  gint64       run_id,
                                  GHashTable  *values,
                                  WfWindow    *self)
{
  start_rerun (self, run_id, values);
}

static void
sweep_requested_cb (GtkWidget *source,
                    gint64     run_id,
                    WfWindow  *self)
{
  GtkWidget *dialog;
  g_autoptr(WfRun) run = NULL;

  if (self->pipeline == NULL || self->store == NULL)
    return;
  run = wf_store_load_run (self->store, run_id, NULL);
  if (run == NULL || run->result == NULL || run->result->params == NULL || run->result->params->len == 0)
    return;
  dialog = wf_sweep_dialog_new (GTK_WINDOW (self), self->pipeline, run);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Paste-and-run: the edited program goes through the firewall and the
 * sandbox like any generated one, and is stored as a new turn. */
static void
paste_run_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(WfWindow) self = user_data;
  g_autoptr(WfRun) run = NULL;
  g_autoptr(GError) error = NULL;

  run = wf_pipeline_run_finish (WF_PIPELINE (source), result, &error);
  g_clear_object (&self->paste_cancellable);
  if (self->chat_view == NULL)
    return;
  if (run == NULL)
    {
      wf_window_add_toast (self, adw_toast_new (error->message));
      return;
    }
  if (wf_chat_view_get_session (self->chat_view) == run->session_id ||
      wf_chat_view_get_session (self->chat_view) == 0)
    wf_chat_view_add_run (self->chat_view, run);
  self->selected_run_id = run->id;
  if (self->inspector != NULL)
    wf_inspector_set_run (self->inspector, run);
  run_finished_cb (self, run->id, run->session_id, self->chat_view);
}

static void
inspector_run_code_cb (WfInspector *inspector,
                       const char  *code,
                       const char  *language,
                       WfWindow    *self)
{
  WfRunRequest *req;

  if (self->pipeline == NULL || self->paste_cancellable != NULL)
    return;
  req = wf_run_request_new (g_strcmp0 (language, "sql") == 0 ? WF_MODE_SQL : WF_MODE_PYTHON,
                            g_strcmp0 (language, "sql") == 0 ? _("Edited query") : _("Edited program"));
  req->code = g_strdup (code);
  req->session_id = wf_chat_view_get_session (self->chat_view);
  self->paste_cancellable = g_cancellable_new ();
  wf_pipeline_run_async (self->pipeline, req, self->paste_cancellable, paste_run_cb, g_object_ref (self));
}

/* The inspector replaces the placeholder page of the slot the first time a
 * run is selected (or code is pasted), and shows that run from then on. */
static void
ensure_inspector (WfWindow *self)
{
  GtkWidget *child;

  if (self->inspector == NULL)
    {
      while ((child = gtk_widget_get_first_child (self->inspector_slot)) != NULL)
        gtk_box_remove (GTK_BOX (self->inspector_slot), child);
      self->inspector = WF_INSPECTOR (wf_inspector_new ());
      gtk_widget_set_vexpand (GTK_WIDGET (self->inspector), TRUE);
      g_signal_connect_object (self->inspector, "assumptions-changed",
                               G_CALLBACK (inspector_assumptions_changed_cb), self, 0);
      g_signal_connect_object (self->inspector, "sweep-requested",
                               G_CALLBACK (sweep_requested_cb), self, 0);
      g_signal_connect_object (self->inspector, "run-code",
                               G_CALLBACK (inspector_run_code_cb), self, 0);
      gtk_box_append (GTK_BOX (self->inspector_slot), GTK_WIDGET (self->inspector));
    }
}

static void
show_run_in_inspector (WfWindow *self,
                       gint64    run_id)
{
  g_autoptr(WfRun) run = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;

  run = wf_store_load_run (self->store, run_id, &error);
  if (run == NULL)
    {
      g_warning ("Cannot load run %" G_GINT64_FORMAT ": %s", run_id, error->message);
      return;
    }

  ensure_inspector (self);
  wf_inspector_set_run (self->inspector, run);
}

static void
show_code_cb (WfChatView *chat,
              gint64      run_id,
              WfWindow   *self)
{
  self->selected_run_id = run_id;
  show_run_in_inspector (self, run_id);
  if (self->inspector != NULL)
    wf_inspector_set_page (self->inspector, "code");
  adw_flap_set_reveal_flap (self->inspector_flap, TRUE);
}

static void
run_selected_cb (WfWindow   *self,
                 gint64      run_id,
                 WfChatView *chat)
{
  self->selected_run_id = run_id;
  show_run_in_inspector (self, run_id);
  if (adw_flap_get_folded (self->inspector_flap) == FALSE)
    adw_flap_set_reveal_flap (self->inspector_flap, TRUE);
}

static void
new_session_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  WfWindow *self = WF_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->sidebar_stack, "sessions");
  g_signal_handlers_block_by_func (self->session_list, session_selected_cb, self);
  wf_session_list_unselect (self->session_list);
  g_signal_handlers_unblock_by_func (self->session_list, session_selected_cb, self);
  wf_chat_view_set_session (self->chat_view, 0);
  update_title (self);
  adw_leaflet_set_visible_child (self->leaflet, self->content);
  wf_chat_view_focus_entry (self->chat_view);
}

/* An empty editor in the inspector: paste a Python or SQL program and run it
 * through the same checks and sandbox as a generated one. */
/* Export CSV (card button, Ctrl+E): every table of the run, through wf-csv,
 * which guards cells that a spreadsheet would read as formulas. */
gboolean
wf_window_export_run_csv (WfWindow    *self,
                          gint64       run_id,
                          const char  *path,
                          GError     **error)
{
  g_autoptr(WfRun) run = NULL;

  g_return_val_if_fail (WF_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->store == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("Your history is not open."));
      return FALSE;
    }
  run = wf_store_load_run (self->store, run_id, error);
  if (run == NULL)
    return FALSE;
  return wf_csv_export_run (run, NULL, path, WF_CSV_FLAGS_NONE, error);
}

static void
export_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    WfWindow        *self)
{
  gint64 run_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "wf-run-id"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      g_autoptr(GError) error = NULL;

      if (path != NULL && !wf_window_export_run_csv (self, run_id, path, &error))
        wf_window_add_toast (self, adw_toast_new (error->message));
      else if (path != NULL)
        wf_window_add_toast (self, adw_toast_new (_("Exported")));
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
export_csv_cb (WfChatView *chat,
               gint64      run_id,
               WfWindow   *self)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Export CSV"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "results.csv");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data (G_OBJECT (chooser), "wf-run-id", GSIZE_TO_POINTER ((gsize) run_id));
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
run_again_cb (WfChatView *chat,
              gint64      run_id,
              WfWindow   *self)
{
  g_autoptr(WfRun) run = self->store ? wf_store_load_run (self->store, run_id, NULL) : NULL;

  if (run != NULL && run->question != NULL)
    wf_chat_view_send (self->chat_view, run->question);
}

static void
paste_code_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  WfWindow *self = WF_WINDOW (widget);

  ensure_inspector (self);
  self->selected_run_id = 0;
  wf_inspector_set_run (self->inspector, NULL);
  wf_inspector_set_page (self->inspector, "code");
  wf_inspector_set_editable (self->inspector, TRUE);
  adw_flap_set_reveal_flap (self->inspector_flap, TRUE);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  WfWindow *self = WF_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->sidebar_stack, "sessions");
  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
  wf_session_list_focus_search (self->session_list);
}

static void
toggle_inspector_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  WfWindow *self = WF_WINDOW (widget);

  gboolean visible = !wf_window_get_inspector_visible (self);

  wf_window_set_inspector_visible (self, visible);
  g_settings_set_boolean (self->settings, "inspector-visible", visible);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  WfWindow *self = WF_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
import_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    WfWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        {
          g_signal_emit (self, signals[IMPORT_DATA], 0, file);
          wf_window_import_file (self, file);
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
import_data_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  WfWindow *self = WF_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Import Data"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Import"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("CSV and TSV files"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_mime_type (filter, "text/tab-separated-values");
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_filter_add_suffix (filter, "tsv");
  gtk_file_filter_add_suffix (filter, "txt");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (import_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
update_folded (WfWindow *self)
{
  gboolean folded = adw_leaflet_get_folded (self->leaflet);

  gtk_widget_set_visible (self->back_button, folded);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (self->sidebar_header), folded);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (self->content_header), folded);
}

static gboolean
wf_window_close_request (GtkWindow *window)
{
  WfWindow *self = WF_WINDOW (window);
  int width, height;

  /* The unmaximized size, so that unmaximizing next time restores it. */
  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (wf_window_parent_class)->close_request (window);
}

static void
wf_window_dispose (GObject *object)
{
  WfWindow *self = (WfWindow *)object;

  if (self->rerun_cancellable != NULL)
    g_cancellable_cancel (self->rerun_cancellable);
  g_clear_object (&self->rerun_cancellable);
  if (self->paste_cancellable != NULL)
    g_cancellable_cancel (self->paste_cancellable);
  g_clear_object (&self->paste_cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), WF_TYPE_WINDOW);

  g_clear_object (&self->settings);
  g_clear_object (&self->pipeline);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (wf_window_parent_class)->dispose (object);
}

static void
wf_window_class_init (WfWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = wf_window_dispose;
  window_class->close_request = wf_window_close_request;

  /**
   * WfWindow::import-data:
   * @file: the CSV file the user chose
   *
   * Fires when the user picks a file to import; the import itself is a
   * sandbox job run by whoever handles this.
   */
  signals[IMPORT_DATA] =
    g_signal_new ("import-data", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_FILE);

  gtk_widget_class_install_action (widget_class, "win.new-session", NULL, new_session_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-inspector", NULL, toggle_inspector_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.import-data", NULL, import_data_action);
  gtk_widget_class_install_action (widget_class, "win.paste-code", NULL, paste_code_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-session", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-inspector", NULL);

  g_type_ensure (WF_TYPE_SESSION_LIST);
  g_type_ensure (WF_TYPE_CHAT_VIEW);
  g_type_ensure (WF_TYPE_DATA_PAGE);
  g_type_ensure (WF_TYPE_DATA_PREVIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/whatif/WhatIf/wf-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WfWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, WfWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, WfWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, WfWindow, content);
  gtk_widget_class_bind_template_child (widget_class, WfWindow, session_list);
  gtk_widget_class_bind_template_child (widget_class, WfWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, WfWindow, data_page);
  gtk_widget_class_bind_template_child (widget_class, WfWindow, data_preview);
  gtk_widget_class_bind_template_child (widget_class, WfWindow, inspector_button);
  gtk_widget_class_bind_template_child (widget_class, WfWindow, chat_view);
  gtk_widget_class_bind_template_child (widget_class, WfWindow, inspector_flap);
  gtk_widget_class_bind_template_child (widget_class, WfWindow, inspector_slot);
  gtk_widget_class_bind_template_child (widget_class, WfWindow, budget_slot);
  gtk_widget_class_bind_template_child (widget_class, WfWindow, title_widget);
  gtk_widget_class_bind_template_child (widget_class, WfWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, WfWindow, sidebar_header);
  gtk_widget_class_bind_template_child (widget_class, WfWindow, content_header);
  gtk_widget_class_bind_template_callback (widget_class, session_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, run_finished_cb);
  gtk_widget_class_bind_template_callback (widget_class, run_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, update_folded);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_page_cb);
  gtk_widget_class_bind_template_callback (widget_class, dataset_selected_cb);
}

static void
wf_window_init (WfWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               MAX (360, g_settings_get_int (self->settings, "window-width")),
                               MAX (300, g_settings_get_int (self->settings, "window-height")));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  /* Only read: the flap hides itself when it folds on a narrow window, and
   * that must not be remembered as the user's choice. */
  g_settings_bind (self->settings, "inspector-visible",
                   self->inspector_flap, "reveal-flap", G_SETTINGS_BIND_GET);

  g_signal_connect_object (self->chat_view, "show-code",
                           G_CALLBACK (show_code_cb), self, 0);
  g_signal_connect_object (self->chat_view, "assumptions-changed",
                           G_CALLBACK (card_assumptions_changed_cb), self, 0);
  g_signal_connect_object (self->chat_view, "sweep-requested",
                           G_CALLBACK (sweep_requested_cb), self, 0);
  g_signal_connect_object (self->chat_view, "export-csv",
                           G_CALLBACK (export_csv_cb), self, 0);
  g_signal_connect_object (self->chat_view, "run-again",
                           G_CALLBACK (run_again_cb), self, 0);

  self->budget_indicator = WF_BUDGET_INDICATOR (wf_budget_indicator_new ());
  gtk_box_append (GTK_BOX (self->budget_slot), GTK_WIDGET (self->budget_indicator));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import-data", wf_data_page_can_import ());

  update_folded (self);
  update_title (self);
}

WfWindow *
wf_window_new (WfApplication *application)
{
  return g_object_new (WF_TYPE_WINDOW, "application", application, NULL);
}

void
wf_window_set_store (WfWindow *self,
                     WfStore  *store)
{
  g_return_if_fail (WF_IS_WINDOW (self));
  g_return_if_fail (!store || WF_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  wf_session_list_set_store (self->session_list, store);
  wf_data_page_set_store (self->data_page, store);
  wf_chat_view_set_store (self->chat_view, store);
  wf_budget_indicator_set_store (self->budget_indicator, store);
  update_title (self);
}

WfStore *
wf_window_get_store (WfWindow *self)
{
  g_return_val_if_fail (WF_IS_WINDOW (self), NULL);

  return self->store;
}

void
wf_window_set_asker (WfWindow *self,
                     WfAsker  *asker)
{
  g_return_if_fail (WF_IS_WINDOW (self));

  wf_chat_view_set_asker (self->chat_view, asker);
}

GtkWidget *
wf_window_get_session_list (WfWindow *self)
{
  g_return_val_if_fail (WF_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->session_list);
}

GtkWidget *
wf_window_get_data_page (WfWindow *self)
{
  g_return_val_if_fail (WF_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->data_page);
}

GtkWidget *
wf_window_get_data_preview (WfWindow *self)
{
  g_return_val_if_fail (WF_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->data_preview);
}

gboolean
wf_window_get_data_visible (WfWindow *self)
{
  g_return_val_if_fail (WF_IS_WINDOW (self), FALSE);

  return g_strcmp0 (adw_view_stack_get_visible_child_name (self->sidebar_stack), "data") == 0;
}

void
wf_window_set_data_visible (WfWindow *self,
                            gboolean  visible)
{
  g_return_if_fail (WF_IS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->sidebar_stack, visible ? "data" : "sessions");
}

GtkWidget *
wf_window_import_file (WfWindow *self,
                       GFile    *file)
{
  g_return_val_if_fail (WF_IS_WINDOW (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  wf_window_set_data_visible (self, TRUE);
  return wf_data_page_import_file (self->data_page, file);
}

GtkWidget *
wf_window_get_chat_view (WfWindow *self)
{
  g_return_val_if_fail (WF_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->chat_view);
}

GtkWidget *
wf_window_get_inspector_slot (WfWindow *self)
{
  g_return_val_if_fail (WF_IS_WINDOW (self), NULL);

  return self->inspector_slot;
}

GtkWidget *
wf_window_get_budget_slot (WfWindow *self)
{
  g_return_val_if_fail (WF_IS_WINDOW (self), NULL);

  return self->budget_slot;
}

gboolean
wf_window_get_inspector_visible (WfWindow *self)
{
  g_return_val_if_fail (WF_IS_WINDOW (self), FALSE);

  return adw_flap_get_reveal_flap (self->inspector_flap);
}

void
wf_window_set_inspector_visible (WfWindow *self,
                                 gboolean  visible)
{
  g_return_if_fail (WF_IS_WINDOW (self));

  adw_flap_set_reveal_flap (self->inspector_flap, visible);
}

void
wf_window_add_toast (WfWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (WF_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
wf_window_set_pipeline (WfWindow   *self,
                        WfPipeline *pipeline)
{
  g_return_if_fail (WF_IS_WINDOW (self));
  g_return_if_fail (!pipeline || WF_IS_PIPELINE (pipeline));

  g_set_object (&self->pipeline, pipeline);
}

gboolean
wf_window_get_rerun_pending (WfWindow *self)
{
  g_return_val_if_fail (WF_IS_WINDOW (self), FALSE);

  return self->rerun_cancellable != NULL;
}

guint
wf_window_get_n_reruns_shown (WfWindow *self)
{
  g_return_val_if_fail (WF_IS_WINDOW (self), 0);

  return self->n_reruns_shown;
}

gint64
wf_window_get_selected_run (WfWindow *self)
{
  g_return_val_if_fail (WF_IS_WINDOW (self), 0);

  return self->selected_run_id;
}
