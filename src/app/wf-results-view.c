/* wf-results-view.c: one result table in a sortable GtkColumnView
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A table may hold 100 000 rows, so the rows are a GListModel that makes a
 * tiny row object only when the view asks for it, and the column view only
 * makes widgets for the visible rows.
 */
#define G_LOG_DOMAIN "wf-results-view"

#include "config.h"

#include "wf-results-view.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "wf-csv.h"
#include "wf-format.h"

/* ---- one row ---------------------------------------------------------- */

#define WF_TYPE_TABLE_ROW (wf_table_row_get_type ())
G_DECLARE_FINAL_TYPE (WfTableRow, wf_table_row, WF, TABLE_ROW, GObject)

struct _WfTableRow
{
  GObject    parent_instance;
  JsonArray *cells;
  guint      index;
};

G_DEFINE_FINAL_TYPE (WfTableRow, wf_table_row, G_TYPE_OBJECT)

static void
wf_table_row_finalize (GObject *object)
{
  g_clear_pointer (&WF_TABLE_ROW (object)->cells, json_array_unref);
  G_OBJECT_CLASS (wf_table_row_parent_class)->finalize (object);
}

static void
wf_table_row_class_init (WfTableRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wf_table_row_finalize;
}

static void
wf_table_row_init (WfTableRow *self)
{
  (void) self;
}

static JsonNode *
row_cell (WfTableRow *row,
          guint       column)
{
  if (row == NULL || row->cells == NULL || column >= json_array_get_length (row->cells))
    return NULL;
  return json_array_get_element (row->cells, column);
}

/* ---- the lazy list ---------------------------------------------------- */

#define WF_TYPE_TABLE_MODEL (wf_table_model_get_type ())
G_DECLARE_FINAL_TYPE (WfTableModel, wf_table_model, WF, TABLE_MODEL, GObject)

struct _WfTableModel
{
  GObject    parent_instance;
  JsonArray *rows;
};

static GType
wf_table_model_get_item_type (GListModel *list)
{
  (void) list;
  return WF_TYPE_TABLE_ROW;
}

static guint
wf_table_model_get_n_items (GListModel *list)
{
  WfTableModel *self = WF_TABLE_MODEL (list);

  return self->rows ? json_array_get_length (self->rows) : 0;
}

static gpointer
wf_table_model_get_item (GListModel *list,
                         guint       position)
{
  WfTableModel *self = WF_TABLE_MODEL (list);
  WfTableRow *row;
  JsonNode *node;

  if (self->rows == NULL || position >= json_array_get_length (self->rows))
    return NULL;
  row = g_object_new (WF_TYPE_TABLE_ROW, NULL);
  row->index = position;
  node = json_array_get_element (self->rows, position);
  if (node && JSON_NODE_HOLDS_ARRAY (node))
    row->cells = json_array_ref (json_node_get_array (node));
  return row;
}

static void
wf_table_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = wf_table_model_get_item_type;
  iface->get_n_items = wf_table_model_get_n_items;
  iface->get_item = wf_table_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (WfTableModel, wf_table_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      wf_table_model_list_model_init))

static void
wf_table_model_finalize (GObject *object)
{
  g_clear_pointer (&WF_TABLE_MODEL (object)->rows, json_array_unref);
  G_OBJECT_CLASS (wf_table_model_parent_class)->finalize (object);
}

static void
wf_table_model_class_init (WfTableModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wf_table_model_finalize;
}

static void
wf_table_model_init (WfTableModel *self)
{
  (void) self;
}

/* ---- the view --------------------------------------------------------- */

struct _WfResultsView
{
  GtkWidget        parent_instance;

  GtkWidget       *box;
  GtkLabel        *summary_label;
  GtkColumnView   *column_view;

  WfTable         *table;
  GtkSortListModel *sorted;
  GtkFileChooserNative *chooser;
  GArray          *cents;        /* gboolean per column: show two decimals */
};

G_DEFINE_FINAL_TYPE (WfResultsView, wf_results_view, GTK_TYPE_WIDGET)

static gboolean
node_is_number (JsonNode *node)
{
  GType t;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  t = json_node_get_value_type (node);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

static char *
cell_text (JsonNode *node,
           gboolean  cents)
{
  GType t;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("");
  if (!JSON_NODE_HOLDS_VALUE (node))
    return g_strdup ("…");
  t = json_node_get_value_type (node);
  if (t == G_TYPE_INT64)
    return wf_format_count ((double) json_node_get_int (node));
  if (t == G_TYPE_DOUBLE)
    return cents ? wf_format_fixed (json_node_get_double (node), 2)
                 : wf_format_decimal (json_node_get_double (node), 2);
  if (t == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? _("yes") : _("no"));
  return g_strdup (json_node_get_string (node));
}

/* A column whose numbers have fractions shows every one of them with two
 * decimals, so 250 lines up under 246.55 instead of reading as a count. Only
 * the first rows are looked at: a long table must not stall the frame. */
static gboolean
column_has_fractions (JsonArray *rows,
                      guint      column)
{
  guint n = rows ? MIN (json_array_get_length (rows), 500u) : 0;

  for (guint r = 0; r < n; r++)
    {
      JsonNode *row = json_array_get_element (rows, r);
      JsonNode *node;

      if (!JSON_NODE_HOLDS_ARRAY (row) || column >= json_array_get_length (json_node_get_array (row)))
        continue;
      node = json_array_get_element (json_node_get_array (row), column);
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE)
        {
          double v = json_node_get_double (node);

          if (isfinite (v) && fabs (v - round (v)) >= 0.005)
            return TRUE;
        }
    }
  return FALSE;
}

static gboolean
column_cents (WfResultsView *self,
              guint          column)
{
  return self->cents != NULL && column < self->cents->len
         && g_array_index (self->cents, gboolean, column);
}

/* Numbers before text, text collated, empty cells last whatever the order
 * would otherwise say (GtkColumnView just inverts the sorter for descending,
 * so "last" here means last in ascending order). */
static int
compare_cells (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  guint column = GPOINTER_TO_UINT (user_data);
  JsonNode *x = row_cell ((WfTableRow *) a, column);
  JsonNode *y = row_cell ((WfTableRow *) b, column);
  gboolean xn = x == NULL || JSON_NODE_HOLDS_NULL (x);
  gboolean yn = y == NULL || JSON_NODE_HOLDS_NULL (y);

  if (xn || yn)
    return xn && yn ? GTK_ORDERING_EQUAL : (xn ? GTK_ORDERING_LARGER : GTK_ORDERING_SMALLER);
  if (node_is_number (x) && node_is_number (y))
    {
      double dx = json_node_get_double (x), dy = json_node_get_double (y);

      if (json_node_get_value_type (x) == G_TYPE_INT64)
        dx = (double) json_node_get_int (x);
      if (json_node_get_value_type (y) == G_TYPE_INT64)
        dy = (double) json_node_get_int (y);
      return gtk_ordering_from_cmpfunc ((dx > dy) - (dx < dy));
    }
  if (node_is_number (x) != node_is_number (y))
    return node_is_number (x) ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
  {
    g_autofree char *sx = cell_text (x, FALSE);
    g_autofree char *sy = cell_text (y, FALSE);

    return gtk_ordering_from_cmpfunc (g_utf8_collate (sx, sy));
  }
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  (void) factory;
  (void) user_data;
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  guint column = GPOINTER_TO_UINT (user_data);
  WfTableRow *row = gtk_list_item_get_item (item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  JsonNode *node = row_cell (row, column);
  gboolean cents = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "wf-cents"));
  g_autofree char *text = cell_text (node, cents);
  gboolean number = node_is_number (node);

  gtk_label_set_text (label, text);
  gtk_label_set_xalign (label, number ? 1.0 : 0.0);
  if (number)
    gtk_widget_add_css_class (GTK_WIDGET (label), "numeric");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), "numeric");
}

static void
clear_columns (WfResultsView *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);
      gtk_column_view_remove_column (self->column_view, column);
    }
}

void
wf_results_view_set_table (WfResultsView *self,
                           const WfTable *table)
{
  g_autoptr(WfTableModel) model = NULL;
  GtkSelectionModel *selection;
  guint n_rows;

  g_return_if_fail (WF_IS_RESULTS_VIEW (self));

  clear_columns (self);
  g_clear_pointer (&self->cents, g_array_unref);
  self->cents = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_clear_pointer (&self->table, wf_table_free);
  if (table)
    self->table = wf_table_copy (table);

  model = g_object_new (WF_TYPE_TABLE_MODEL, NULL);
  if (self->table && self->table->rows)
    model->rows = json_array_ref (self->table->rows);

  for (guint c = 0; self->table && c < self->table->columns->len; c++)
    {
      const char *title = g_ptr_array_index (self->table->columns, c);
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;
      GtkSorter *sorter;

      gboolean cents = column_has_fractions (self->table->rows, c);

      g_array_append_val (self->cents, cents);
      g_object_set_data (G_OBJECT (factory), "wf-cents", GINT_TO_POINTER (cents));
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GUINT_TO_POINTER (c));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GUINT_TO_POINTER (c));
      column = gtk_column_view_column_new (title, factory);
      sorter = GTK_SORTER (gtk_custom_sorter_new (compare_cells, GUINT_TO_POINTER (c), NULL));
      gtk_column_view_column_set_sorter (column, sorter);
      g_object_unref (sorter);
      gtk_column_view_column_set_resizable (column, TRUE);
      if (c == self->table->columns->len - 1)
        gtk_column_view_column_set_expand (column, TRUE);
      gtk_column_view_append_column (self->column_view, column);
    }

  g_clear_object (&self->sorted);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_steal_pointer (&model)),
                                          g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->sorted))));
  gtk_column_view_set_model (self->column_view, selection);
  g_object_unref (selection);

  n_rows = self->table ? wf_table_get_n_rows (self->table) : 0;
  if (self->table)
    {
      g_autofree char *rows = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u row", "%u rows", n_rows), n_rows);
      g_autofree char *text = self->table->name && *self->table->name
                              ? g_strdup_printf ("%s · %s", self->table->name, rows)
                              : g_strdup (rows);
      gtk_label_set_text (self->summary_label, text);
    }
  else
    {
      gtk_label_set_text (self->summary_label, _("No table"));
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "results.copy-tsv", self->table != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "results.export-csv", self->table != NULL);
}

const WfTable *
wf_results_view_get_table (WfResultsView *self)
{
  g_return_val_if_fail (WF_IS_RESULTS_VIEW (self), NULL);
  return self->table;
}

GtkColumnView *
wf_results_view_get_column_view (WfResultsView *self)
{
  g_return_val_if_fail (WF_IS_RESULTS_VIEW (self), NULL);
  return self->column_view;
}

GListModel *
wf_results_view_get_model (WfResultsView *self)
{
  g_return_val_if_fail (WF_IS_RESULTS_VIEW (self), NULL);
  return G_LIST_MODEL (self->sorted);
}

char *
wf_results_view_dup_cell_text (WfResultsView *self,
                               guint          row,
                               guint          column)
{
  g_autoptr(WfTableRow) item = NULL;

  g_return_val_if_fail (WF_IS_RESULTS_VIEW (self), NULL);

  if (self->sorted == NULL || row >= g_list_model_get_n_items (G_LIST_MODEL (self->sorted)))
    return NULL;
  item = g_list_model_get_item (G_LIST_MODEL (self->sorted), row);
  if (item == NULL || column >= (item->cells ? json_array_get_length (item->cells) : 0))
    return NULL;
  return cell_text (row_cell (item, column), column_cents (self, column));
}

static void
append_tsv_field (GString    *out,
                  const char *text)
{
  /* Tabs and newlines would break the grid: a space stands in. */
  for (const char *p = text; *p; p++)
    g_string_append_c (out, (*p == '\t' || *p == '\n' || *p == '\r') ? ' ' : *p);
}

char *
wf_results_view_to_tsv (WfResultsView *self)
{
  GString *out;
  guint n;

  g_return_val_if_fail (WF_IS_RESULTS_VIEW (self), NULL);

  if (self->table == NULL)
    return g_strdup ("");
  out = g_string_new (NULL);
  for (guint c = 0; c < self->table->columns->len; c++)
    {
      if (c)
        g_string_append_c (out, '\t');
      append_tsv_field (out, g_ptr_array_index (self->table->columns, c));
    }
  g_string_append_c (out, '\n');
  n = g_list_model_get_n_items (G_LIST_MODEL (self->sorted));
  for (guint r = 0; r < n; r++)
    {
      g_autoptr(WfTableRow) row = g_list_model_get_item (G_LIST_MODEL (self->sorted), r);

      for (guint c = 0; c < self->table->columns->len; c++)
        {
          JsonNode *node = row_cell (row, c);

          if (c)
            g_string_append_c (out, '\t');
          /* Raw numbers (with '.'), so a spreadsheet pastes them as numbers. */
          if (node_is_number (node))
            {
              GString *num = g_string_new (NULL);
              wf_csv_append_number (num, json_node_get_value_type (node) == G_TYPE_INT64
                                         ? (double) json_node_get_int (node)
                                         : json_node_get_double (node));
              g_string_append (out, num->str);
              g_string_free (num, TRUE);
            }
          else
            {
              g_autofree char *text = cell_text (node, FALSE);
              append_tsv_field (out, text);
            }
        }
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

void
wf_results_view_copy_tsv (WfResultsView *self)
{
  g_autofree char *tsv = NULL;

  g_return_if_fail (WF_IS_RESULTS_VIEW (self));

  tsv = wf_results_view_to_tsv (self);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), tsv);
}

static gboolean
want_bom (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;

  if (source)
    schema = g_settings_schema_source_lookup (source, "io.github.whatif.WhatIf", TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "csv-bom"))
    return FALSE;
  settings = g_settings_new ("io.github.whatif.WhatIf");
  return g_settings_get_boolean (settings, "csv-bom");
}

gboolean
wf_results_view_export_csv (WfResultsView  *self,
                            const char     *path,
                            GError        **error)
{
  g_autofree char *csv = NULL;

  g_return_val_if_fail (WF_IS_RESULTS_VIEW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->table == NULL)
    {
      g_set_error (error, WF_CSV_ERROR, WF_CSV_ERROR_EMPTY, _("There is no table to export."));
      return FALSE;
    }
  csv = wf_csv_table_to_string (self->table, want_bom () ? WF_CSV_FLAGS_BOM : WF_CSV_FLAGS_NONE);
  /* g_file_set_contents writes a temporary file and renames it: atomic. */
  if (!g_file_set_contents (path, csv, -1, error))
    {
      g_prefix_error (error, _("Could not export the table: "));
      return FALSE;
    }
  return TRUE;
}

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     WfResultsView   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      g_autoptr(GError) error = NULL;

      if (path && !wf_results_view_export_csv (self, path, &error))
        {
          GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
          GtkWidget *msg = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                                   GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
                                                   "%s", _("Export failed"));
          gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (msg), "%s", error->message);
          g_signal_connect (msg, "response", G_CALLBACK (gtk_window_destroy), NULL);
          gtk_window_present (GTK_WINDOW (msg));
        }
    }
  g_clear_object (&self->chooser);
  g_object_unref (self);
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  WfResultsView *self = WF_RESULTS_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *name = NULL;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  (void) action_name;
  (void) parameter;
  if (self->table == NULL || self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Export Table"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  name = g_strdup_printf ("%s.csv", self->table->name && *self->table->name ? self->table->name : "table");
  g_strdelimit (name, "/\\", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_file_filter_set_name (filter, _("CSV files"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
copy_tsv_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  (void) action_name;
  (void) parameter;
  wf_results_view_copy_tsv (WF_RESULTS_VIEW (widget));
}

static void
wf_results_view_dispose (GObject *object)
{
  WfResultsView *self = WF_RESULTS_VIEW (object);

  if (self->chooser)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->sorted);
  g_clear_pointer (&self->table, wf_table_free);
  g_clear_pointer (&self->cents, g_array_unref);
  G_OBJECT_CLASS (wf_results_view_parent_class)->dispose (object);
}

static void
wf_results_view_class_init (WfResultsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wf_results_view_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/whatif/WhatIf/wf-results-view.ui");
  gtk_widget_class_bind_template_child (widget_class, WfResultsView, box);
  gtk_widget_class_bind_template_child (widget_class, WfResultsView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, WfResultsView, column_view);
  gtk_widget_class_install_action (widget_class, "results.copy-tsv", NULL, copy_tsv_action);
  gtk_widget_class_install_action (widget_class, "results.export-csv", NULL, export_csv_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
wf_results_view_init (WfResultsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  wf_results_view_set_table (self, NULL);
}

GtkWidget *
wf_results_view_new (void)
{
  return g_object_new (WF_TYPE_RESULTS_VIEW, NULL);
}
