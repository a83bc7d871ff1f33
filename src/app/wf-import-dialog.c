/* wf-import-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three pages: the dataset's name (checked as it is typed; a taken name
 * turns Import into Replace), the import's progress with Cancel, and what
 * went wrong in the importer's own words, which name the line of the file.
 * The import runs on a worker thread with its own store connection.
 */
#define G_LOG_DOMAIN "wf-import-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "wf-import-dialog.h"
# include "wf-import.h"

struct _WfImportDialog
{
  AdwWindow          parent_instance;

  GtkStack          *stack;
  GtkWidget         *cancel_button;
  GtkWidget         *import_button;
  GtkWidget         *back_button;
  AdwPreferencesGroup *name_group;
  AdwEntryRow       *name_row;
  GtkLabel          *message_label;
  GtkLabel          *progress_title;
  GtkProgressBar    *progress_bar;
  GtkLabel          *progress_label;
  GtkLabel          *error_label;

  WfStore           *store;
  WfSandbox         *sandbox;
  GFile             *file;
  GCancellable      *cancellable;
  char              *message;
  guint              pulse_id;
  gboolean           name_ok;
  gboolean           replaces;
  gboolean           busy;
  gboolean           closing;
};

enum {
  IMPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WfImportDialog, wf_import_dialog, ADW_TYPE_WINDOW)

/* The importer, when this build has it. */

static char *
suggest_name (const char *path)
{
  return wf_import_suggest_name (path);
}

static gboolean
name_is_valid (const char  *name,
               GError     **error)
{
  return wf_import_name_is_valid (name, error);
}

static void
set_message (WfImportDialog *self,
             const char     *message,
             const char     *css_class)
{
  g_free (self->message);
  self->message = g_strdup (message);

  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "warning");
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), css_class);
}

static void
update_buttons (WfImportDialog *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  gboolean on_name = g_strcmp0 (page, "name") == 0;
  gboolean on_error = g_strcmp0 (page, "error") == 0;

  gtk_widget_set_visible (self->import_button, on_name);
  gtk_widget_set_visible (self->back_button, on_error);
  gtk_widget_set_sensitive (self->import_button, self->name_ok);
  gtk_button_set_label (GTK_BUTTON (self->import_button), self->replaces ? _("_Replace") : _("_Import"));
  if (self->replaces)
    {
      gtk_widget_remove_css_class (self->import_button, "suggested-action");
      gtk_widget_add_css_class (self->import_button, "destructive-action");
    }
  else
    {
      gtk_widget_remove_css_class (self->import_button, "destructive-action");
      gtk_widget_add_css_class (self->import_button, "suggested-action");
    }
  gtk_button_set_label (GTK_BUTTON (self->cancel_button), on_error ? _("_Close") : _("_Cancel"));
}

static void
validate (WfImportDialog *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  g_autoptr(GError) error = NULL;
  g_autoptr(WfDataset) existing = NULL;

  self->name_ok = FALSE;
  self->replaces = FALSE;

  if (*name == '\0')
    set_message (self, _("The dataset needs a name."), NULL);
  else if (!name_is_valid (name, &error))
    set_message (self, error->message, "error");
  else
    {
      self->name_ok = TRUE;
      if (self->store != NULL)
        existing = wf_store_get_dataset (self->store, name, NULL);
      if (existing != NULL)
        {
          g_autofree char *text =
            /* Translators: %s is a dataset name */
            g_strdup_printf (_("A dataset named “%s” already exists. Importing replaces it."), name);

          self->replaces = TRUE;
          set_message (self, text, "warning");
        }
      else
        set_message (self, NULL, NULL);
    }

  if (self->name_ok)
    gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
  update_buttons (self);
}

static void
name_changed_cb (WfImportDialog *self)
{
  validate (self);
}

static void
show_page (WfImportDialog *self,
           const char     *page)
{
  gtk_stack_set_visible_child_name (self->stack, page);
  update_buttons (self);
}

static void
show_error (WfImportDialog *self,
            const char     *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
  gtk_label_set_text (self->error_label, message);
  show_page (self, "error");
}

static gboolean
pulse_cb (gpointer user_data)
{
  WfImportDialog *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

/* The importer may free its progress data on its worker thread, so that data
 * holds the dialog weakly: a widget must not be finalized off the main thread. */
static GWeakRef *
progress_ref_new (WfImportDialog *self)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, self);
  return ref;
}

static void
progress_ref_free (gpointer data)
{
  GWeakRef *ref = data;

  g_weak_ref_clear (ref);
  g_free (ref);
}

static void
progress_cb (const char *message,
             double      fraction,
             gpointer    user_data)
{
  g_autoptr(WfImportDialog) self = g_weak_ref_get (user_data);

  if (self == NULL || self->closing)
    return;
  if (message != NULL)
    gtk_label_set_text (self->progress_label, message);
  if (fraction >= 0.0)
    {
      g_clear_handle_id (&self->pulse_id, g_source_remove);
      gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));
    }
  else if (self->pulse_id == 0)
    self->pulse_id = g_timeout_add (100, pulse_cb, self);
}

static void
import_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(WfImportDialog) self = user_data;
  g_autoptr(WfDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;

  dataset = wf_import_csv_finish (result, &error);
  self->busy = FALSE;
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  g_clear_object (&self->cancellable);

  if (self->closing)
    return;

  if (dataset == NULL)
    {
      if (g_error_matches (error, WF_IMPORT_ERROR, WF_IMPORT_ERROR_CANCELLED) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_window_destroy (GTK_WINDOW (self));
          return;
        }
      show_error (self, error->message);
      return;
    }

  g_signal_emit (self, signals[IMPORTED], 0, dataset->name, dataset->n_rows);
  gtk_window_destroy (GTK_WINDOW (self));
}

void
wf_import_dialog_start (WfImportDialog *self)
{
  g_autofree char *path = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *title = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  g_return_if_fail (WF_IS_IMPORT_DIALOG (self));

  validate (self);
  if (self->busy || !self->name_ok)
    return;

  name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  path = g_file_get_path (self->file);
  if (path == NULL)
    {
      show_error (self, _("Only files on this computer can be imported. Copy the file to a local folder first."));
      return;
    }
  if (self->sandbox == NULL)
    self->sandbox = wf_sandbox_get_default (NULL, &error);
  if (self->sandbox == NULL)
    {
      g_autofree char *text =
        /* Translators: %s says why, such as what to install */
        g_strdup_printf (_("Files are read in a sandbox, and none can run here: %s"), error->message);

      show_error (self, text);
      return;
    }

  basename = g_filename_display_basename (path);
  /* Translators: %s is a file name */
  title = g_strdup_printf (_("Importing “%s”…"), basename);
  gtk_label_set_text (self->progress_title, title);
  gtk_label_set_text (self->progress_label, _("Starting the sandbox"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  self->pulse_id = g_timeout_add (100, pulse_cb, self);
  self->busy = TRUE;
  show_page (self, "progress");

  {
    g_autofree char *db_path = g_strdup (wf_store_get_path (self->store));

    self->cancellable = g_cancellable_new ();
    wf_import_csv_async (db_path, self->sandbox, path, name, self->replaces,
                         progress_cb, progress_ref_new (self), progress_ref_free,
                         self->cancellable, import_done_cb, g_object_ref (self));
  }
}

void
wf_import_dialog_cancel (WfImportDialog *self)
{
  g_return_if_fail (WF_IS_IMPORT_DIALOG (self));

  if (self->busy)
    {
      gtk_label_set_text (self->progress_label, _("Cancelling…"));
      gtk_widget_set_sensitive (self->cancel_button, FALSE);
      g_cancellable_cancel (self->cancellable);
    }
  else
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
import_clicked_cb (WfImportDialog *self)
{
  wf_import_dialog_start (self);
}

static void
cancel_clicked_cb (WfImportDialog *self)
{
  wf_import_dialog_cancel (self);
}

static void
back_clicked_cb (WfImportDialog *self)
{
  show_page (self, "name");
  validate (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static gboolean
wf_import_dialog_close_request (GtkWindow *window)
{
  WfImportDialog *self = WF_IMPORT_DIALOG (window);

  /* Closing while importing cancels; the result, when it comes, is dropped. */
  self->closing = TRUE;
  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (wf_import_dialog_parent_class)->close_request (window);
}

static void
wf_import_dialog_dispose (GObject *object)
{
  WfImportDialog *self = (WfImportDialog *)object;

  self->closing = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->pulse_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), WF_TYPE_IMPORT_DIALOG);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->sandbox);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (wf_import_dialog_parent_class)->dispose (object);
}

static void
wf_import_dialog_finalize (GObject *object)
{
  WfImportDialog *self = (WfImportDialog *)object;

  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (wf_import_dialog_parent_class)->finalize (object);
}

static void
wf_import_dialog_class_init (WfImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = wf_import_dialog_dispose;
  object_class->finalize = wf_import_dialog_finalize;
  window_class->close_request = wf_import_dialog_close_request;

  /**
   * WfImportDialog::imported:
   * @name: the new dataset's name
   * @n_rows: how many rows it has
   *
   * Fires when the import has finished and the dataset is in the store,
   * just before the dialog closes.
   */
  signals[IMPORTED] =
    g_signal_new ("imported",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/whatif/WhatIf/wf-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, WfImportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, WfImportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, WfImportDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, WfImportDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, WfImportDialog, name_group);
  gtk_widget_class_bind_template_child (widget_class, WfImportDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, WfImportDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, WfImportDialog, progress_title);
  gtk_widget_class_bind_template_child (widget_class, WfImportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, WfImportDialog, progress_label);
  gtk_widget_class_bind_template_child (widget_class, WfImportDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, import_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
wf_import_dialog_init (WfImportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
wf_import_dialog_new (GtkWindow *parent,
                      WfStore   *store,
                      WfSandbox *sandbox,
                      GFile     *file)
{
  WfImportDialog *self;
  g_autofree char *basename = NULL;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (WF_IS_STORE (store), NULL);
  g_return_val_if_fail (!sandbox || WF_IS_SANDBOX (sandbox), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (WF_TYPE_IMPORT_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->sandbox = sandbox ? g_object_ref (sandbox) : NULL;
  self->file = g_object_ref (file);

  path = g_file_get_path (file);
  basename = path ? g_filename_display_basename (path) : g_file_get_parse_name (file);
  name = suggest_name (path ? path : basename);
  description =
    /* Translators: %s is a file name; wf.load is code, keep it as it is */
    g_strdup_printf (_("From “%s”. Models load it by this name with wf.load()."), basename);
  adw_preferences_group_set_description (self->name_group, description);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name ? name : "");
  validate (self);
  /* Ready to type over the suggestion, Enter to import. */
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));

  return GTK_WIDGET (self);
}

const char *
wf_import_dialog_get_name (WfImportDialog *self)
{
  g_return_val_if_fail (WF_IS_IMPORT_DIALOG (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->name_row));
}

void
wf_import_dialog_set_name (WfImportDialog *self,
                           const char     *name)
{
  g_return_if_fail (WF_IS_IMPORT_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name ? name : "");
}

gboolean
wf_import_dialog_get_name_ok (WfImportDialog *self)
{
  g_return_val_if_fail (WF_IS_IMPORT_DIALOG (self), FALSE);

  return self->name_ok;
}

gboolean
wf_import_dialog_get_replaces (WfImportDialog *self)
{
  g_return_val_if_fail (WF_IS_IMPORT_DIALOG (self), FALSE);

  return self->replaces;
}

const char *
wf_import_dialog_get_message (WfImportDialog *self)
{
  g_return_val_if_fail (WF_IS_IMPORT_DIALOG (self), NULL);

  return self->message;
}

gboolean
wf_import_dialog_get_busy (WfImportDialog *self)
{
  g_return_val_if_fail (WF_IS_IMPORT_DIALOG (self), FALSE);

  return self->busy;
}
