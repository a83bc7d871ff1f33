/* wf-data-preview.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Imported cells are untrusted, so even a preview reads them through the
 * sandbox (wf_import_preview); that takes a moment, so it runs on a worker
 * thread with its own store connection while a spinner shows. Columns are
 * titled with their inferred type; numeric ones are right-aligned.
 */
#define G_LOG_DOMAIN "wf-data-preview"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "wf-data-preview.h"
#include "wf-format.h"
# include "wf-import.h"

#define MAX_CELL_CHARS 200

/* A row of the preview: the JsonArray of its cells. */
#define WF_TYPE_PREVIEW_ROW (wf_preview_row_get_type ())
G_DECLARE_FINAL_TYPE (WfPreviewRow, wf_preview_row, WF, PREVIEW_ROW, GObject)

struct _WfPreviewRow
{
  GObject    parent_instance;
  JsonArray *cells;
};

G_DEFINE_FINAL_TYPE (WfPreviewRow, wf_preview_row, G_TYPE_OBJECT)

static void
wf_preview_row_finalize (GObject *object)
{
  g_clear_pointer (&WF_PREVIEW_ROW (object)->cells, json_array_unref);
  G_OBJECT_CLASS (wf_preview_row_parent_class)->finalize (object);
}

static void
wf_preview_row_class_init (WfPreviewRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wf_preview_row_finalize;
}

static void
wf_preview_row_init (WfPreviewRow *self)
{
}

struct _WfDataPreview
{
  GtkWidget      parent_instance;

  GtkStack      *stack;
  GtkSpinner    *spinner;
  GtkLabel      *summary_label;
  GtkColumnView *column_view;
  AdwStatusPage *error_page;

  GListStore    *rows;
  GCancellable  *cancellable;
  WfDataset     *dataset;
  char          *error;
};

G_DEFINE_FINAL_TYPE (WfDataPreview, wf_data_preview, GTK_TYPE_WIDGET)

/* Column types */

static gboolean
type_is_numeric (const char *type)
{
  static const char *numeric[] = { "integer", "decimal", "currency", "percentage", "number", NULL };

  return type != NULL && g_strv_contains (numeric, type);
}

static const char *
type_label (const char *type)
{
  if (g_strcmp0 (type, "integer") == 0)
    /* Translators: a column type, shown in a table header */
    return C_("column type", "integer");
  if (g_strcmp0 (type, "decimal") == 0 || g_strcmp0 (type, "number") == 0)
    return C_("column type", "decimal");
  if (g_strcmp0 (type, "currency") == 0)
    return C_("column type", "money");
  if (g_strcmp0 (type, "percentage") == 0)
    return C_("column type", "percent");
  if (g_strcmp0 (type, "date") == 0)
    return C_("column type", "date");
  if (g_strcmp0 (type, "text") == 0)
    return C_("column type", "text");
  return NULL;
}

/* Name → type from the dataset's columns_json ([{"name","type"}]); bad JSON
 * just means no types. */
static GHashTable *
parse_column_types (const char *columns_json)
{
  GHashTable *types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonArray *array;

  if (columns_json == NULL || !json_parser_load_from_data (parser, columns_json, -1, NULL))
    return types;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return types;

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;
      const char *name, *type;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      name = json_object_get_string_member_with_default (object, "name", NULL);
      type = json_object_get_string_member_with_default (object, "type", NULL);
      if (name != NULL && type != NULL)
        g_hash_table_replace (types, g_strdup (name), g_strdup (type));
    }
  return types;
}

/* Cells */

static char *
format_cell (JsonNode *node)
{
  g_autofree char *text = NULL;
  GString *clean;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("");
  if (!JSON_NODE_HOLDS_VALUE (node))
    return g_strdup ("…");

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      /* No grouping: integer columns are as often years or codes as amounts. */
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      return wf_format_decimal (json_node_get_double (node), 6);
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "true" : "false");
    case G_TYPE_STRING:
      text = g_utf8_make_valid (json_node_get_string (node), -1);
      break;
    default:
      return g_strdup ("");
    }

  /* One line per cell, and bounded: a cell is not a place to read a novel. */
  clean = g_string_new (NULL);
  for (const char *p = text; *p && g_utf8_strlen (clean->str, -1) < MAX_CELL_CHARS; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n' || c == '\r' || c == '\t' || g_unichar_iscntrl (c))
        g_string_append_c (clean, ' ');
      else
        g_string_append_unichar (clean, c);
    }
  if (g_utf8_strlen (text, -1) > MAX_CELL_CHARS)
    g_string_append (clean, "…");
  return g_string_free (clean, FALSE);
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);
  gboolean numeric = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "wf-numeric"));

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1.0f : 0.0f);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  if (numeric)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "wf-column"));
  WfPreviewRow *row = gtk_list_item_get_item (list_item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  g_autofree char *text = NULL;

  if (row->cells != NULL && column < json_array_get_length (row->cells))
    text = format_cell (json_array_get_element (row->cells, column));
  gtk_label_set_text (label, text ? text : "");
}

static void
clear_columns (WfDataPreview *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);

      gtk_column_view_remove_column (self->column_view, column);
    }
}

/* Unused in a build without the importer, which is what provides tables. */
G_GNUC_UNUSED static void
show_table (WfDataPreview *self,
            WfTable       *table)
{
  g_autoptr(GHashTable) types = parse_column_types (self->dataset ? self->dataset->columns_json : NULL);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *rows = NULL;
  g_autofree char *summary = NULL;
  guint n_rows = json_array_get_length (table->rows);

  clear_columns (self);
  for (guint i = 0; i < table->columns->len; i++)
    {
      const char *name = g_ptr_array_index (table->columns, i);
      const char *type = g_hash_table_lookup (types, name);
      const char *label = type_label (type);
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;
      g_autofree char *title = NULL;
      g_autofree char *safe = g_utf8_make_valid (name, -1);

      /* Translators: a table header: a column name and its type, "amount (money)" */
      title = label ? g_strdup_printf (_("%s (%s)"), safe, label) : g_strdup (safe);
      g_object_set_data (G_OBJECT (factory), "wf-column", GUINT_TO_POINTER (i));
      g_object_set_data (G_OBJECT (factory), "wf-numeric", GINT_TO_POINTER (type_is_numeric (type)));
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), NULL);
      column = gtk_column_view_column_new (title, g_object_ref (factory));
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->column_view, column);
    }

  for (guint i = 0; i < n_rows; i++)
    {
      JsonNode *node = json_array_get_element (table->rows, i);
      WfPreviewRow *row = g_object_new (WF_TYPE_PREVIEW_ROW, NULL);

      if (JSON_NODE_HOLDS_ARRAY (node))
        row->cells = json_array_ref (json_node_get_array (node));
      g_ptr_array_add (items, row);
    }
  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       items->pdata, items->len);

  rows = wf_format_count ((double) (self->dataset ? self->dataset->n_rows : n_rows));
  if (self->dataset != NULL && self->dataset->n_rows > (gint64) n_rows)
    {
      g_autofree char *shown = wf_format_count ((double) n_rows);

      /* Translators: "The first 100 of 1,234 rows" */
      summary = g_strdup_printf (_("The first %s of %s rows"), shown, rows);
    }
  else
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows", n_rows), rows);
  if (self->dataset != NULL && self->dataset->file_name != NULL)
    {
      g_autofree char *with_file =
        /* Translators: "The first 100 of 1,234 rows, from sales.csv" */
        g_strdup_printf (_("%s, from %s"), summary, self->dataset->file_name);

      g_free (summary);
      summary = g_steal_pointer (&with_file);
    }
  gtk_label_set_text (self->summary_label, summary);
  gtk_stack_set_visible_child_name (self->stack, "table");
}

static void
show_error (WfDataPreview *self,
            const char    *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  adw_status_page_set_description (self->error_page, message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

/* Loading */

typedef struct
{
  char      *db_path;
  char      *name;
  WfSandbox *sandbox;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->db_path);
  g_free (data->name);
  g_clear_object (&data->sandbox);
  g_free (data);
}

static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(WfStore) store = NULL;
  g_autoptr(GError) error = NULL;
  WfTable *table;

  store = wf_store_open (data->db_path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  table = wf_import_preview (store, data->sandbox, data->name, WF_DATA_PREVIEW_ROWS, cancellable, &error);
  if (table == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, table, (GDestroyNotify) wf_table_free);
}

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(WfDataPreview) self = user_data;
  g_autoptr(WfTable) table = NULL;
  g_autoptr(GError) error = NULL;

  table = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_task_get_cancellable (G_TASK (result)) != self->cancellable)
    return;   /* another dataset was picked meanwhile */

  gtk_spinner_stop (self->spinner);
  if (table == NULL)
    show_error (self, error->message);
  else
    show_table (self, table);
}

void
wf_data_preview_set_dataset (WfDataPreview   *self,
                             WfStore         *store,
                             WfSandbox       *sandbox,
                             const WfDataset *dataset)
{
  g_return_if_fail (WF_IS_DATA_PREVIEW (self));
  g_return_if_fail (!store || WF_IS_STORE (store));
  g_return_if_fail (!sandbox || WF_IS_SANDBOX (sandbox));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->dataset, wf_dataset_free);
  g_clear_pointer (&self->error, g_free);
  g_list_store_remove_all (self->rows);
  clear_columns (self);

  if (dataset == NULL || store == NULL)
    {
      gtk_spinner_stop (self->spinner);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  self->dataset = wf_dataset_new (dataset->name);
  self->dataset->id = dataset->id;
  self->dataset->file_name = dataset->file_name ? g_utf8_make_valid (dataset->file_name, -1) : NULL;
  self->dataset->table_name = g_strdup (dataset->table_name);
  self->dataset->n_rows = dataset->n_rows;
  self->dataset->columns_json = g_strdup (dataset->columns_json);
  self->dataset->imported_us = dataset->imported_us;

  if (sandbox == NULL)
    {
      show_error (self, _("Previews are read in a sandbox, and none can run here."));
      return;
    }
  {
    g_autoptr(GTask) task = NULL;
    LoadData *data = g_new0 (LoadData, 1);

    data->db_path = g_strdup (wf_store_get_path (store));
    data->name = g_strdup (dataset->name);
    data->sandbox = g_object_ref (sandbox);
    self->cancellable = g_cancellable_new ();
    /* No source object: the worker thread may drop the task's last
     * reference, and a widget must not be finalized there. */
    task = g_task_new (NULL, self->cancellable, load_done_cb, g_object_ref (self));
    g_task_set_source_tag (task, wf_data_preview_set_dataset);
    g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
    gtk_spinner_start (self->spinner);
    gtk_stack_set_visible_child_name (self->stack, "loading");
    g_task_run_in_thread (task, load_worker);
  }
}

static void
wf_data_preview_dispose (GObject *object)
{
  WfDataPreview *self = (WfDataPreview *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), WF_TYPE_DATA_PREVIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  g_clear_object (&self->rows);

  G_OBJECT_CLASS (wf_data_preview_parent_class)->dispose (object);
}

static void
wf_data_preview_finalize (GObject *object)
{
  WfDataPreview *self = (WfDataPreview *)object;

  g_clear_pointer (&self->dataset, wf_dataset_free);
  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (wf_data_preview_parent_class)->finalize (object);
}

static void
wf_data_preview_class_init (WfDataPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wf_data_preview_dispose;
  object_class->finalize = wf_data_preview_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/whatif/WhatIf/wf-data-preview.ui");
  gtk_widget_class_bind_template_child (widget_class, WfDataPreview, stack);
  gtk_widget_class_bind_template_child (widget_class, WfDataPreview, spinner);
  gtk_widget_class_bind_template_child (widget_class, WfDataPreview, summary_label);
  gtk_widget_class_bind_template_child (widget_class, WfDataPreview, column_view);
  gtk_widget_class_bind_template_child (widget_class, WfDataPreview, error_page);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "wfdatapreview");
}

static void
wf_data_preview_init (WfDataPreview *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_list_store_new (WF_TYPE_PREVIEW_ROW);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
}

GtkWidget *
wf_data_preview_new (void)
{
  return g_object_new (WF_TYPE_DATA_PREVIEW, NULL);
}

const char *
wf_data_preview_get_state (WfDataPreview *self)
{
  g_return_val_if_fail (WF_IS_DATA_PREVIEW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

GListModel *
wf_data_preview_get_rows (WfDataPreview *self)
{
  g_return_val_if_fail (WF_IS_DATA_PREVIEW (self), NULL);

  return G_LIST_MODEL (self->rows);
}

GtkColumnView *
wf_data_preview_get_column_view (WfDataPreview *self)
{
  g_return_val_if_fail (WF_IS_DATA_PREVIEW (self), NULL);

  return self->column_view;
}

const char *
wf_data_preview_get_error (WfDataPreview *self)
{
  g_return_val_if_fail (WF_IS_DATA_PREVIEW (self), NULL);

  return self->error;
}
