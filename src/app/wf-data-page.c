/* wf-data-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The datasets of the store in a GtkListView, each with its original file,
 * row count and import date, and a menu to rename or delete it. A deletion
 * only hides the row until its undo toast goes away, as the session list
 * does. Imports start here too (WfImportDialog), so that the new dataset can
 * be selected as soon as it exists.
 */
#define G_LOG_DOMAIN "wf-data-page"

#include "config.h"

#include <glib/gi18n.h>

#include "wf-data-page.h"
#include "wf-format.h"
#include "wf-import-dialog.h"
# include "wf-import.h"

#define MAX_NAME_LEN 64
#define MAX_FILE_NAME_LEN 255

/* One row: a dataset record (owned). */
#define WF_TYPE_DATASET_ITEM (wf_dataset_item_get_type ())
G_DECLARE_FINAL_TYPE (WfDatasetItem, wf_dataset_item, WF, DATASET_ITEM, GObject)

struct _WfDatasetItem
{
  GObject    parent_instance;
  WfDataset *dataset;
};

G_DEFINE_FINAL_TYPE (WfDatasetItem, wf_dataset_item, G_TYPE_OBJECT)

static void
wf_dataset_item_finalize (GObject *object)
{
  WfDatasetItem *self = (WfDatasetItem *)object;

  g_clear_pointer (&self->dataset, wf_dataset_free);

  G_OBJECT_CLASS (wf_dataset_item_parent_class)->finalize (object);
}

static void
wf_dataset_item_class_init (WfDatasetItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wf_dataset_item_finalize;
}

static void
wf_dataset_item_init (WfDatasetItem *self)
{
}

static WfDatasetItem *
wf_dataset_item_new (WfDataset *dataset)   /* (transfer full) */
{
  WfDatasetItem *item = g_object_new (WF_TYPE_DATASET_ITEM, NULL);

  item->dataset = dataset;

  return item;
}

struct _WfDataPage
{
  GtkWidget           parent_instance;

  GtkStack           *stack;
  GtkListView        *list_view;
  AdwStatusPage      *empty_page;
  GtkWidget          *import_button;
  GtkWidget          *empty_import_button;

  WfStore            *store;
  WfSandbox          *sandbox;
  GListStore         *datasets;
  GtkSingleSelection *selection;
  GHashTable         *pending_deletes;   /* name → AdwToast */
};

enum {
  DATASET_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WfDataPage, wf_data_page, GTK_TYPE_WIDGET)

gboolean
wf_data_page_can_import (void)
{
  return TRUE;
}

static void
update_empty_state (WfDataPage *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->datasets)) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

static void selection_changed_cb (WfDataPage *self);

static WfDatasetItem *
find_item (WfDataPage *self,
           const char *name,
           guint      *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->datasets));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WfDatasetItem) item = g_list_model_get_item (G_LIST_MODEL (self->datasets), i);

      if (g_strcmp0 (item->dataset->name, name) == 0)
        {
          if (position != NULL)
            *position = i;
          return item;   /* the store keeps its reference */
        }
    }
  return NULL;
}

void
wf_data_page_reload (WfDataPage *self)
{
  g_autofree char *selected = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  guint position;

  g_return_if_fail (WF_IS_DATA_PAGE (self));

  selected = g_strdup (wf_data_page_get_selected_name (self));
  items = g_ptr_array_new_with_free_func (g_object_unref);

  if (self->store != NULL)
    {
      list = wf_store_list_datasets (self->store, &error);
      if (list == NULL)
        g_warning ("Cannot list datasets: %s", error->message);
    }

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      WfDataset *dataset = g_ptr_array_index (list, i);

      if (g_hash_table_contains (self->pending_deletes, dataset->name))
        continue;
      list->pdata[i] = NULL;   /* moved into the item */
      /* The original file name is whatever bytes the file system had, and a
       * file name is at most 255 bytes: anything longer is not one. */
      if (dataset->file_name != NULL)
        {
          char *valid = g_utf8_make_valid (dataset->file_name, -1);

          g_free (dataset->file_name);
          dataset->file_name = valid;
          if (g_utf8_strlen (valid, -1) > MAX_FILE_NAME_LEN)
            {
              g_autofree char *cut = g_utf8_substring (valid, 0, MAX_FILE_NAME_LEN);

              dataset->file_name = g_strconcat (cut, "…", NULL);
              g_free (valid);
            }
        }
      g_ptr_array_add (items, wf_dataset_item_new (dataset));
    }

  /* Listeners hear about the selection only if it really changed. */
  g_signal_handlers_block_by_func (self->selection, selection_changed_cb, self);
  g_list_store_splice (self->datasets, 0, g_list_model_get_n_items (G_LIST_MODEL (self->datasets)),
                       items->pdata, items->len);
  if (selected == NULL || find_item (self, selected, &position) == NULL)
    position = GTK_INVALID_LIST_POSITION;
  gtk_single_selection_set_selected (self->selection, position);
  g_signal_handlers_unblock_by_func (self->selection, selection_changed_cb, self);

  if (selected != NULL && position == GTK_INVALID_LIST_POSITION)
    selection_changed_cb (self);
  update_empty_state (self);
}

static void
selection_changed_cb (WfDataPage *self)
{
  g_signal_emit (self, signals[DATASET_SELECTED], 0, wf_data_page_get_selected_name (self));
}

/* Clicking the selected dataset again must still show it (on a folded window
 * the preview is one page further). */
static void
activate_cb (WfDataPage *self,
             guint       position)
{
  if (gtk_single_selection_get_selected (self->selection) != position)
    gtk_single_selection_set_selected (self->selection, position);
  else
    selection_changed_cb (self);
}

/* Row widgets */

static char *
format_details (const WfDataset *dataset)
{
  g_autofree char *rows = wf_format_count ((double) dataset->n_rows);
  g_autofree char *count = NULL;

  /* Translators: %s is a number of rows, already formatted ("1,234") */
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows",
                                        (gulong) MAX (dataset->n_rows, 0)), rows);
  if (dataset->imported_us > 0)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (dataset->imported_us / G_USEC_PER_SEC);
      /* Translators: a date in strftime format, such as "22 Nov 2026"; see `man strftime` */
      g_autofree char *date = when ? g_date_time_format (when, _("%-d %b %Y")) : NULL;

      if (date != NULL)
        /* Translators: "1,234 rows · 22 Nov 2026", the size and import date of a dataset */
        return g_strdup_printf (_("%s · %s"), count, date);
    }
  return g_steal_pointer (&count);
}

static void
rename_activate_cb (GtkEntry   *entry,
                    WfDataPage *self)
{
  /* Renaming replaces the row, which may take its popover with it. */
  g_autoptr(GtkWidget) popover = g_object_ref (gtk_widget_get_ancestor (GTK_WIDGET (entry), GTK_TYPE_POPOVER));
  WfDatasetItem *item = g_object_get_data (G_OBJECT (popover), "wf-item");
  GtkLabel *error_label = g_object_get_data (G_OBJECT (popover), "wf-error");
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;

  if (item == NULL)
    return;

  name = g_strdup (item->dataset->name);
  if (!wf_data_page_rename (self, name, gtk_editable_get_text (GTK_EDITABLE (entry)), &error))
    {
      gtk_widget_error_bell (GTK_WIDGET (entry));
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      gtk_label_set_text (error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (error_label), TRUE);
      return;
    }
  gtk_popover_popdown (GTK_POPOVER (popover));
}

static void
rename_changed_cb (GtkEditable *entry,
                   GtkLabel    *error_label)
{
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  gtk_widget_set_visible (GTK_WIDGET (error_label), FALSE);
}

static void
delete_clicked_cb (GtkButton  *button,
                   WfDataPage *self)
{
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_POPOVER);
  WfDatasetItem *item = g_object_get_data (G_OBJECT (popover), "wf-item");
  g_autofree char *name = NULL;

  if (item == NULL)
    return;
  name = g_strdup (item->dataset->name);
  gtk_popover_popdown (GTK_POPOVER (popover));
  wf_data_page_delete (self, name);
}

static void
popover_show_cb (GtkPopover *popover)
{
  WfDatasetItem *item = g_object_get_data (G_OBJECT (popover), "wf-item");
  GtkEditable *entry = g_object_get_data (G_OBJECT (popover), "wf-entry");

  if (item != NULL)
    gtk_editable_set_text (entry, item->dataset->name);
  gtk_widget_set_visible (g_object_get_data (G_OBJECT (popover), "wf-error"), FALSE);
}

static GtkWidget *
caption_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              WfDataPage               *self)
{
  GtkWidget *row, *labels, *title, *file, *details, *menu, *popover, *pbox, *entry, *error_label, *delete;

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (row, "dataset-row");
  gtk_widget_set_margin_top (row, 3);
  gtk_widget_set_margin_bottom (row, 3);

  labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (title), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  file = caption_label ();
  details = caption_label ();
  gtk_box_append (GTK_BOX (labels), title);
  gtk_box_append (GTK_BOX (labels), file);
  gtk_box_append (GTK_BOX (labels), details);
  gtk_box_append (GTK_BOX (row), labels);

  pbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  entry = gtk_entry_new ();
  gtk_entry_set_max_length (GTK_ENTRY (entry), MAX_NAME_LEN);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Dataset name"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Rename dataset"), -1);
  error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (error_label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (error_label), 30);
  gtk_label_set_xalign (GTK_LABEL (error_label), 0.0f);
  gtk_widget_add_css_class (error_label, "caption");
  gtk_widget_add_css_class (error_label, "error");
  gtk_widget_set_visible (error_label, FALSE);
  delete = gtk_button_new_with_mnemonic (_("_Delete Dataset"));
  gtk_widget_add_css_class (delete, "destructive-action");
  gtk_box_append (GTK_BOX (pbox), gtk_label_new (_("Rename")));
  gtk_box_append (GTK_BOX (pbox), entry);
  gtk_box_append (GTK_BOX (pbox), error_label);
  gtk_box_append (GTK_BOX (pbox), delete);
  popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (popover), pbox);
  g_object_set_data (G_OBJECT (popover), "wf-entry", entry);
  g_object_set_data (G_OBJECT (popover), "wf-error", error_label);
  g_signal_connect (popover, "show", G_CALLBACK (popover_show_cb), NULL);
  g_signal_connect_object (entry, "activate", G_CALLBACK (rename_activate_cb), self, 0);
  g_signal_connect (entry, "changed", G_CALLBACK (rename_changed_cb), error_label);
  g_signal_connect_object (delete, "clicked", G_CALLBACK (delete_clicked_cb), self, 0);

  menu = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu), "view-more-symbolic");
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (menu), popover);
  gtk_widget_set_valign (menu, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (menu, "flat");
  gtk_widget_set_tooltip_text (menu, _("Rename or Delete"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Rename or delete dataset"), -1);
  gtk_box_append (GTK_BOX (row), menu);

  g_object_set_data (G_OBJECT (row), "wf-title", title);
  g_object_set_data (G_OBJECT (row), "wf-file", file);
  g_object_set_data (G_OBJECT (row), "wf-details", details);
  g_object_set_data (G_OBJECT (row), "wf-popover", popover);
  gtk_list_item_set_child (list_item, row);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             WfDataPage               *self)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);
  WfDatasetItem *item = gtk_list_item_get_item (list_item);
  const WfDataset *dataset = item->dataset;
  GtkLabel *file = g_object_get_data (G_OBJECT (row), "wf-file");
  g_autofree char *details = format_details (dataset);
  g_autofree char *tooltip = NULL;

  gtk_label_set_text (g_object_get_data (G_OBJECT (row), "wf-title"), dataset->name);
  gtk_label_set_text (file, dataset->file_name ? dataset->file_name : "");
  gtk_widget_set_visible (GTK_WIDGET (file), dataset->file_name != NULL && *dataset->file_name);
  gtk_label_set_text (g_object_get_data (G_OBJECT (row), "wf-details"), details);
  /* Translators: a dataset's tooltip: its name, then "from" its original file name */
  tooltip = dataset->file_name ? g_strdup_printf (_("%s, from %s"), dataset->name, dataset->file_name)
                               : g_strdup (dataset->name);
  gtk_widget_set_tooltip_text (row, tooltip);
  g_object_set_data (G_OBJECT (row), "wf-item", item);
  g_object_set_data (g_object_get_data (G_OBJECT (row), "wf-popover"), "wf-item", item);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               WfDataPage               *self)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);

  g_object_set_data (G_OBJECT (row), "wf-item", NULL);
  g_object_set_data (g_object_get_data (G_OBJECT (row), "wf-popover"), "wf-item", NULL);
}

/* Deleting with undo */

static void
commit_delete (WfDataPage *self,
               const char *name)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->store == NULL)
    return;
  /* The record and the workbook table go together. */
  ok = wf_import_delete_dataset (self->store, name, &error);
  if (!ok)
    g_warning ("Cannot delete dataset “%s”: %s", name, error->message);
}

static void
toast_undo_cb (AdwToast   *toast,
               WfDataPage *self)
{
  const char *name = g_object_get_data (G_OBJECT (toast), "wf-dataset");

  g_object_set_data (G_OBJECT (toast), "wf-undone", GINT_TO_POINTER (1));
  if (g_hash_table_lookup (self->pending_deletes, name) != toast)
    return;
  g_hash_table_remove (self->pending_deletes, name);
  wf_data_page_reload (self);
  wf_data_page_select_name (self, name);
}

static void
toast_dismissed_cb (AdwToast   *toast,
                    WfDataPage *self)
{
  g_autofree char *name = g_strdup (g_object_get_data (G_OBJECT (toast), "wf-dataset"));

  if (g_object_get_data (G_OBJECT (toast), "wf-undone") != NULL)
    return;
  /* Only if this toast still stands for the deletion (an import under the
   * same name since then has taken it over). */
  if (g_hash_table_lookup (self->pending_deletes, name) == toast)
    {
      g_hash_table_remove (self->pending_deletes, name);
      commit_delete (self, name);
    }
}

AdwToast *
wf_data_page_delete (WfDataPage *self,
                     const char *name)
{
  GtkWidget *overlay;
  AdwToast *toast;
  g_autofree char *message = NULL;
  guint position;

  g_return_val_if_fail (WF_IS_DATA_PAGE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (find_item (self, name, &position) != NULL)
    g_list_store_remove (self->datasets, position);
  update_empty_state (self);

  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    {
      /* Nowhere to offer Undo: do not keep a deletion hanging. */
      commit_delete (self, name);
      return NULL;
    }

  /* Translators: %s is the name of a dataset */
  message = g_strdup_printf (_("Dataset “%s” deleted"), name);
  toast = adw_toast_new (message);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data_full (G_OBJECT (toast), "wf-dataset", g_strdup (name), g_free);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (toast_undo_cb), self, 0);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), self, 0);

  g_hash_table_insert (self->pending_deletes, g_strdup (name), toast);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);

  return toast;
}

gboolean
wf_data_page_rename (WfDataPage  *self,
                     const char  *name,
                     const char  *new_name,
                     GError     **error)
{
  g_autofree char *clean = NULL;
  g_autoptr(WfDataset) renamed = NULL;
  WfDatasetItem *item;
  guint position;

  g_return_val_if_fail (WF_IS_DATA_PAGE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (new_name != NULL, FALSE);

  clean = g_strstrip (g_utf8_make_valid (new_name, -1));
  if (g_strcmp0 (clean, name) == 0)
    return TRUE;
  if (*clean == '\0')
    {
      g_set_error_literal (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID, _("A dataset needs a name"));
      return FALSE;
    }
  /* Models load datasets by name, so the importer's rules apply. */
  if (!wf_import_name_is_valid (clean, error))
    return FALSE;
  if (self->store == NULL)
    {
      g_set_error_literal (error, WF_STORE_ERROR, WF_STORE_ERROR_FAILED, _("No history is open"));
      return FALSE;
    }
  if (!wf_store_rename_dataset (self->store, name, clean, error))
    return FALSE;

  item = find_item (self, name, &position);
  renamed = wf_store_get_dataset (self->store, clean, NULL);
  if (item != NULL && renamed != NULL)
    {
      gboolean was_selected = gtk_single_selection_get_selected (self->selection) == position;
      g_autoptr(WfDatasetItem) new_item = wf_dataset_item_new (g_steal_pointer (&renamed));

      /* Same place, so the list does not jump under the pointer; the next
       * reload sorts it. */
      g_signal_handlers_block_by_func (self->selection, selection_changed_cb, self);
      g_list_store_splice (self->datasets, position, 1, (gpointer *) &new_item, 1);
      if (was_selected)
        gtk_single_selection_set_selected (self->selection, position);
      g_signal_handlers_unblock_by_func (self->selection, selection_changed_cb, self);
      if (was_selected)
        selection_changed_cb (self);
    }

  return TRUE;
}

/* Importing */

static void
imported_cb (WfDataPage     *self,
             const char     *name,
             gint64          n_rows,
             WfImportDialog *dialog)
{
  GtkWidget *overlay;
  AdwToast *toast;

  /* A deletion of the old dataset of that name still waiting for its toast
   * must not delete the new one. */
  /* Its toast then does nothing when it goes; it is not dismissed here, as
   * libadwaita 1.2 can crash when a toast is dismissed during its animation
   * (https://github.com/gmg137/netease-cloud-music-gtk/pull/209). */
  g_hash_table_remove (self->pending_deletes, name);

  wf_data_page_reload (self);
  wf_data_page_select_name (self, name);

  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    {
      g_autofree char *rows = wf_format_count ((double) n_rows);
      g_autofree char *message =
        /* Translators: the first %s is a dataset name, the second a row count ("1,234") */
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported “%s”: %s row", "Imported “%s”: %s rows",
                                      (gulong) MAX (n_rows, 0)),
                         name, rows);

      toast = adw_toast_new (message);
      adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
    }
}

GtkWidget *
wf_data_page_import_file (WfDataPage *self,
                          GFile      *file)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;
  GtkRoot *root;
  WfSandbox *sandbox;

  g_return_val_if_fail (WF_IS_DATA_PAGE (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (!wf_data_page_can_import () || self->store == NULL)
    return NULL;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  /* Without a sandbox the dialog says why when the import is tried. */
  sandbox = wf_data_page_get_sandbox (self, &error);
  if (sandbox == NULL)
    g_debug ("No sandbox for the import: %s", error->message);

  dialog = wf_import_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 self->store, sandbox, file);
  g_signal_connect_object (dialog, "imported", G_CALLBACK (imported_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));

  return dialog;
}

static void
delete_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  WfDataPage *self = WF_DATA_PAGE (widget);
  g_autofree char *name = g_strdup (wf_data_page_get_selected_name (self));

  if (name != NULL)
    wf_data_page_delete (self, name);
}

/* GObject */

static void
wf_data_page_dispose (GObject *object)
{
  WfDataPage *self = (WfDataPage *)object;
  GtkWidget *child;

  /* Closing the window while a toast is up counts as not undoing it. */
  if (self->pending_deletes != NULL)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, self->pending_deletes);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        commit_delete (self, key);
      g_hash_table_remove_all (self->pending_deletes);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), WF_TYPE_DATA_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  g_clear_object (&self->selection);
  g_clear_object (&self->datasets);
  g_clear_object (&self->store);
  g_clear_object (&self->sandbox);

  G_OBJECT_CLASS (wf_data_page_parent_class)->dispose (object);
}

static void
wf_data_page_finalize (GObject *object)
{
  WfDataPage *self = (WfDataPage *)object;

  g_clear_pointer (&self->pending_deletes, g_hash_table_unref);

  G_OBJECT_CLASS (wf_data_page_parent_class)->finalize (object);
}

static void
wf_data_page_class_init (WfDataPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wf_data_page_dispose;
  object_class->finalize = wf_data_page_finalize;

  /**
   * WfDataPage::dataset-selected:
   * @name: (nullable): the selected dataset, or %NULL when none is
   *
   * Fires when the selection changes, and when the selected dataset is
   * clicked again or renamed.
   */
  signals[DATASET_SELECTED] =
    g_signal_new ("dataset-selected",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (WF_TYPE_IMPORT_DIALOG);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/whatif/WhatIf/wf-data-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WfDataPage, stack);
  gtk_widget_class_bind_template_child (widget_class, WfDataPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, WfDataPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, WfDataPage, import_button);
  gtk_widget_class_bind_template_child (widget_class, WfDataPage, empty_import_button);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  /* Delete in the list, as in a file manager; Undo is one click away. */
  gtk_widget_class_install_action (widget_class, "data.delete-selected", NULL, delete_selected_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "data.delete-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "data.delete-selected", NULL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "wfdatapage");
}

static void
wf_data_page_init (WfDataPage *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->pending_deletes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->datasets = g_list_store_new (WF_TYPE_DATASET_ITEM);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->datasets)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (self->selection, "notify::selected",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_row_cb), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_row_cb), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_row_cb), self, 0);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  if (!wf_data_page_can_import ())
    {
      const char *why = _("This build of What If cannot import files");

      adw_status_page_set_description (self->empty_page, why);
      gtk_widget_set_visible (self->empty_import_button, FALSE);
      gtk_widget_set_visible (self->import_button, FALSE);
    }

  update_empty_state (self);
}

GtkWidget *
wf_data_page_new (void)
{
  return g_object_new (WF_TYPE_DATA_PAGE, NULL);
}

void
wf_data_page_set_store (WfDataPage *self,
                        WfStore    *store)
{
  g_return_if_fail (WF_IS_DATA_PAGE (self));
  g_return_if_fail (!store || WF_IS_STORE (store));

  if (g_set_object (&self->store, store))
    wf_data_page_reload (self);
}

WfSandbox *
wf_data_page_get_sandbox (WfDataPage  *self,
                          GError     **error)
{
  g_return_val_if_fail (WF_IS_DATA_PAGE (self), NULL);

  if (self->sandbox == NULL)
    {
      g_autoptr(GSettings) settings = g_settings_new (APP_ID);
      g_autofree char *backend = g_settings_get_string (settings, "sandbox-backend");

      self->sandbox = wf_sandbox_get_default (g_strcmp0 (backend, "auto") == 0 ? NULL : backend, error);
    }

  return self->sandbox;
}

void
wf_data_page_set_sandbox (WfDataPage *self,
                          WfSandbox  *sandbox)
{
  g_return_if_fail (WF_IS_DATA_PAGE (self));
  g_return_if_fail (!sandbox || WF_IS_SANDBOX (sandbox));

  g_set_object (&self->sandbox, sandbox);
}

guint
wf_data_page_get_n_datasets (WfDataPage *self)
{
  g_return_val_if_fail (WF_IS_DATA_PAGE (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->datasets));
}

const char *
wf_data_page_get_name (WfDataPage *self,
                       guint       position)
{
  g_autoptr(WfDatasetItem) item = NULL;

  g_return_val_if_fail (WF_IS_DATA_PAGE (self), NULL);

  item = g_list_model_get_item (G_LIST_MODEL (self->datasets), position);
  /* The list store keeps the item alive after this reference goes. */
  return item ? item->dataset->name : NULL;
}

const char *
wf_data_page_get_selected_name (WfDataPage *self)
{
  WfDatasetItem *item;

  g_return_val_if_fail (WF_IS_DATA_PAGE (self), NULL);

  item = gtk_single_selection_get_selected_item (self->selection);
  return item ? item->dataset->name : NULL;
}

gboolean
wf_data_page_select_name (WfDataPage *self,
                          const char *name)
{
  guint position;

  g_return_val_if_fail (WF_IS_DATA_PAGE (self), FALSE);

  if (name == NULL || find_item (self, name, &position) == NULL)
    return FALSE;
  if (gtk_single_selection_get_selected (self->selection) == position)
    selection_changed_cb (self);
  else
    gtk_single_selection_set_selected (self->selection, position);
  return TRUE;
}

void
wf_data_page_unselect (WfDataPage *self)
{
  g_return_if_fail (WF_IS_DATA_PAGE (self));

  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
}
