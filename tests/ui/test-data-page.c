/* test-data-page.c: the Data section of the sidebar, the preview and the import dialog
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real windows (Xvfb), a real SQLite store with dataset records and a
 * workbook written with SQLite here, real GSettings (memory backend). Tests
 * that import a file or read a preview need the real importer and sandbox
 * (they skip where bubblewrap cannot run).
 * Each test leaves a PNG in <builddir>/tests/test-output/ui/.
 */
#include "config.h"

#include <adwaita.h>
#include <sqlite3.h>

#include "wf-application.h"
#include "wf-data-page.h"
#include "wf-data-preview.h"
#include "wf-import-dialog.h"
#include "wf-store.h"
#include "wf-window.h"
#include "wf-ui-test-util.h"
# include "wf-import.h"

typedef struct
{
  char      *tmpdir;
  char      *db_path;
  WfStore   *store;
  WfWindow  *window;
} Fixture;

#define SEED GINT_TO_POINTER (1)

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("SQL failed: %s", message);
}

/* Records in the store and tables in the workbook, as an import leaves them. */
static void
seed_datasets (Fixture *fixture)
{
  g_autofree char *workbook = wf_store_dup_workbook_path (fixture->store);
  g_autoptr(WfDataset) sales = wf_dataset_new ("sales");
  g_autoptr(WfDataset) customers = wf_dataset_new ("customers");
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (workbook, &db), ==, SQLITE_OK);
  exec_sql (db, "CREATE TABLE sales (month TEXT, revenue REAL, units INTEGER);"
                "INSERT INTO sales VALUES ('2024-01', 15500.5, 120), ('2024-02', 17250.0, 131);"
                "CREATE TABLE customers (name TEXT, city TEXT);"
                "INSERT INTO customers VALUES ('Acme', 'Lyon'), ('Globex', 'Porto'), ('Initech', 'Austin');");
  sqlite3_close (db);

  sales->file_name = g_strdup ("Sales 2024.csv");
  sales->table_name = g_strdup ("sales");
  sales->n_rows = 1234;
  sales->columns_json = g_strdup ("[{\"name\":\"month\",\"type\":\"date\"},"
                                  "{\"name\":\"revenue\",\"type\":\"currency\"},"
                                  "{\"name\":\"units\",\"type\":\"integer\"}]");
  sales->imported_us = g_get_real_time () - 3 * G_TIME_SPAN_DAY;
  g_assert_true (wf_store_add_dataset (fixture->store, sales, &error));
  g_assert_no_error (error);

  customers->file_name = g_strdup ("customers.tsv");
  customers->table_name = g_strdup ("customers");
  customers->n_rows = 3;
  customers->columns_json = g_strdup ("[{\"name\":\"name\",\"type\":\"text\"},{\"name\":\"city\",\"type\":\"text\"}]");
  g_assert_true (wf_store_add_dataset (fixture->store, customers, &error));
  g_assert_no_error (error);
}

static gboolean
workbook_has_table (Fixture    *fixture,
                    const char *table)
{
  g_autofree char *workbook = wf_store_dup_workbook_path (fixture->store);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean found;

  g_assert_cmpint (sqlite3_open_v2 (workbook, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_TRANSIENT);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return found;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  g_settings_reset (settings, "inspector-visible");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);

  fixture->tmpdir = g_dir_make_tmp ("whatif-data-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db_path = g_build_filename (fixture->tmpdir, "whatif.db", NULL);
  g_setenv ("WHATIF_DB", fixture->db_path, TRUE);
  fixture->store = wf_store_open (fixture->db_path, &error);
  g_assert_no_error (error);

  if (data == SEED)
    seed_datasets (fixture);

  fixture->window = g_object_new (WF_TYPE_WINDOW, NULL);
  g_object_ref_sink (fixture->window);
  wf_window_set_store (fixture->window, fixture->store);
  gtk_window_present (GTK_WINDOW (fixture->window));
  WF_UI_TEST_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));
  wf_ui_test_spin (200);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  wf_ui_test_spin (50);
  g_clear_object (&fixture->store);

  wf_ui_test_rm_rf (fixture->tmpdir);
  g_free (fixture->db_path);
  g_free (fixture->tmpdir);
}

static WfDataPage *
data_page (Fixture *fixture)
{
  return WF_DATA_PAGE (wf_window_get_data_page (fixture->window));
}

static WfDataPreview *
data_preview (Fixture *fixture)
{
  return WF_DATA_PREVIEW (wf_window_get_data_preview (fixture->window));
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *contents)
{
  char *path = g_build_filename (fixture->tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* Dismisses a toast as its timeout would, once it is fully shown: libadwaita
 * 1.2 can crash when a toast is dismissed during its show animation
 * (https://github.com/gmg137/netease-cloud-music-gtk/pull/209). */
static void
dismiss_toast (AdwToast *toast)
{
  g_assert_nonnull (toast);
  wf_ui_test_spin (500);
  adw_toast_dismiss (toast);
  wf_ui_test_spin (500);
}

/* Deletes for good, as the undo toast's timeout would. */
static void
toast_free_delete (WfDataPage *page,
                   const char *name)
{
  dismiss_toast (wf_data_page_delete (page, name));
}

/* Tests */

static void
test_empty (Fixture       *fixture,
            gconstpointer  data)
{
  WfDataPage *page = data_page (fixture);
  GtkWidget *empty;

  g_test_summary ("With no datasets the Data section explains what it is for and offers Import Data");

  g_assert_false (wf_window_get_data_visible (fixture->window));
  wf_window_set_data_visible (fixture->window, TRUE);
  g_assert_true (wf_window_get_data_visible (fixture->window));
  g_assert_cmpuint (wf_data_page_get_n_datasets (page), ==, 0);

  empty = wf_ui_test_find_by_class (GTK_WIDGET (page), "pill");
  g_assert_nonnull (empty);
  /* The button exists in every build, but only offers itself when it can work. */
  g_assert_cmpint (gtk_widget_get_visible (empty), ==, wf_data_page_can_import ());
  g_assert_cmpint (gtk_widget_is_sensitive (empty), ==, wf_data_page_can_import ());
  /* The chat gives way to the preview's "nothing selected" page. */
  g_assert_cmpstr (wf_data_preview_get_state (data_preview (fixture)), ==, "empty");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (data_preview (fixture))));

  wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "data-empty");
}

static void
test_listed (Fixture       *fixture,
             gconstpointer  data)
{
  WfDataPage *page = data_page (fixture);

  g_autoptr(WfDataset) extra = wf_dataset_new ("from_cli");
  g_autoptr(GError) error = NULL;

  g_test_summary ("The Data section lists every dataset by name with its file, rows and import date");

  wf_window_set_data_visible (fixture->window, TRUE);
  g_assert_cmpuint (wf_data_page_get_n_datasets (page), ==, 2);

  /* Added behind the window's back (the CLI): there when the section is shown again. */
  g_assert_true (wf_store_add_dataset (fixture->store, extra, &error));
  g_assert_no_error (error);
  wf_window_set_data_visible (fixture->window, FALSE);
  wf_window_set_data_visible (fixture->window, TRUE);
  g_assert_cmpuint (wf_data_page_get_n_datasets (page), ==, 3);
  g_assert_cmpstr (wf_data_page_get_name (page, 1), ==, "from_cli");
  toast_free_delete (page, "from_cli");
  g_assert_cmpuint (wf_data_page_get_n_datasets (page), ==, 2);
  g_assert_cmpstr (wf_data_page_get_name (page, 0), ==, "customers");
  g_assert_cmpstr (wf_data_page_get_name (page, 1), ==, "sales");
  g_assert_null (wf_data_page_get_name (page, 2));
  g_assert_null (wf_data_page_get_selected_name (page));

  g_assert_nonnull (wf_ui_test_find_label (GTK_WIDGET (page), "sales"));
  g_assert_nonnull (wf_ui_test_find_label (GTK_WIDGET (page), "Sales 2024.csv"));
  g_assert_nonnull (wf_ui_test_find_label (GTK_WIDGET (page), "customers.tsv"));

  /* Back to the history: the chat is there again. */
  wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "data-list");
  wf_window_set_data_visible (fixture->window, FALSE);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (data_preview (fixture))));
}

static void
test_select (Fixture       *fixture,
             gconstpointer  data)
{
  WfDataPage *page = data_page (fixture);
  WfDataPreview *preview = data_preview (fixture);

  g_test_summary ("Selecting a dataset shows it in the main pane (its first rows when the importer is built)");

  wf_window_set_data_visible (fixture->window, TRUE);
  g_assert_true (wf_data_page_select_name (page, "sales"));
  g_assert_false (wf_data_page_select_name (page, "no-such"));
  g_assert_cmpstr (wf_data_page_get_selected_name (page), ==, "sales");
  g_assert_cmpstr (wf_data_preview_get_state (preview), !=, "empty");
  /* The window's title names the dataset. */
  g_assert_nonnull (wf_ui_test_find_label (GTK_WIDGET (fixture->window), "sales"));

  WF_UI_TEST_WAIT_FOR_SECONDS (g_strcmp0 (wf_data_preview_get_state (preview), "loading") != 0, 60);
  wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "data-selected");

  wf_data_page_unselect (page);
  g_assert_cmpstr (wf_data_preview_get_state (preview), ==, "empty");
}

static void
test_rename (Fixture       *fixture,
             gconstpointer  data)
{
  WfDataPage *page = data_page (fixture);
  g_autoptr(WfDataset) renamed = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *row, *popover, *entry;

  g_test_summary ("Renaming a dataset changes its record, keeps its rows, and refuses empty or taken names");

  wf_window_set_data_visible (fixture->window, TRUE);
  wf_data_page_select_name (page, "sales");

  g_assert_true (wf_data_page_rename (page, "sales", "  revenue_2024 ", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (wf_data_page_get_selected_name (page), ==, "revenue_2024");
  renamed = wf_store_get_dataset (fixture->store, "revenue_2024", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (renamed->table_name, ==, "sales");
  g_assert_cmpint (renamed->n_rows, ==, 1234);
  g_assert_true (workbook_has_table (fixture, "sales"));

  g_assert_false (wf_data_page_rename (page, "revenue_2024", "   ", &error));
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (wf_data_page_rename (page, "revenue_2024", "customers", &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "customers"));
  g_clear_error (&error);

  /* The row's own popover: a bad name stays and says why. */
  row = wf_ui_test_find_by_class (GTK_WIDGET (page), "dataset-row");
  g_assert_nonnull (row);
  popover = g_object_get_data (G_OBJECT (row), "wf-popover");
  entry = g_object_get_data (G_OBJECT (popover), "wf-entry");
  gtk_popover_popup (GTK_POPOVER (popover));
  wf_ui_test_spin (100);
  gtk_editable_set_text (GTK_EDITABLE (entry), "revenue_2024");
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "data-rename-error");

  gtk_editable_set_text (GTK_EDITABLE (entry), "clients");
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  g_signal_emit_by_name (entry, "activate");
  wf_ui_test_spin (100);
  g_assert_cmpstr (wf_data_page_get_name (page, 0), ==, "clients");
  g_clear_pointer (&renamed, wf_dataset_free);
  renamed = wf_store_get_dataset (fixture->store, "clients", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (renamed->file_name, ==, "customers.tsv");
}

static void
test_delete_undo (Fixture       *fixture,
                  gconstpointer  data)
{
  WfDataPage *page = data_page (fixture);
  g_autoptr(WfDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  AdwToast *toast;

  g_test_summary ("Deleting a dataset shows an undo toast; Undo keeps it, dismissing deletes it");

  wf_window_set_data_visible (fixture->window, TRUE);
  wf_data_page_select_name (page, "sales");

  toast = wf_data_page_delete (page, "sales");
  g_assert_nonnull (toast);
  g_assert_cmpuint (wf_data_page_get_n_datasets (page), ==, 1);
  g_assert_cmpstr (wf_data_preview_get_state (data_preview (fixture)), ==, "empty");
  /* Only hidden while the toast is up, also across a reload. */
  wf_data_page_reload (page);
  g_assert_cmpuint (wf_data_page_get_n_datasets (page), ==, 1);
  dataset = wf_store_get_dataset (fixture->store, "sales", &error);
  g_assert_no_error (error);
  g_clear_pointer (&dataset, wf_dataset_free);
  wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "data-delete-toast");

  g_signal_emit_by_name (toast, "button-clicked");
  dismiss_toast (toast);
  g_assert_cmpuint (wf_data_page_get_n_datasets (page), ==, 2);
  g_assert_cmpstr (wf_data_page_get_selected_name (page), ==, "sales");
  dataset = wf_store_get_dataset (fixture->store, "sales", &error);
  g_assert_no_error (error);
  g_clear_pointer (&dataset, wf_dataset_free);

  toast = wf_data_page_delete (page, "sales");
  dismiss_toast (toast);
  g_assert_cmpuint (wf_data_page_get_n_datasets (page), ==, 1);
  dataset = wf_store_get_dataset (fixture->store, "sales", &error);
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND);
  g_assert_null (dataset);
  /* The rows go with the record. */
  g_assert_false (workbook_has_table (fixture, "sales"));
  g_assert_true (workbook_has_table (fixture, "customers"));

  g_clear_error (&error);

  /* The Delete key works on the selected row, with the same undo toast. */
  wf_data_page_select_name (page, "customers");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "data.delete-selected", NULL));
  g_assert_cmpuint (wf_data_page_get_n_datasets (page), ==, 0);
  dataset = wf_store_get_dataset (fixture->store, "customers", &error);
  g_assert_no_error (error);
  g_assert_nonnull (dataset);
  /* The last one gone: the empty page again. */
  g_assert_true (gtk_widget_get_child_visible (GTK_WIDGET (wf_ui_test_find_by_class (GTK_WIDGET (page), "compact"))));
}

static void
test_delete_two_quickly (Fixture       *fixture,
                         gconstpointer  data)
{
  WfDataPage *page = data_page (fixture);
  g_autoptr(WfDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("Deleting two datasets one right after the other: both hidden, the first kept until its toast goes");

  wf_window_set_data_visible (fixture->window, TRUE);
  g_assert_nonnull (wf_data_page_delete (page, "sales"));
  wf_ui_test_spin (20);
  g_assert_nonnull (wf_data_page_delete (page, "customers"));
  wf_ui_test_spin (1000);
  g_assert_cmpuint (wf_data_page_get_n_datasets (page), ==, 0);
  wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "data-delete-two");
  dataset = wf_store_get_dataset (fixture->store, "customers", &error);
  g_assert_no_error (error);
}

static void
test_delete_on_close (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(WfDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("Closing the window while the undo toast is up completes the deletion");

  wf_window_set_data_visible (fixture->window, TRUE);
  g_assert_nonnull (wf_data_page_delete (data_page (fixture), "customers"));
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  wf_ui_test_spin (50);

  dataset = wf_store_get_dataset (fixture->store, "customers", &error);
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  dataset = wf_store_get_dataset (fixture->store, "sales", &error);
  g_assert_no_error (error);
}

static void
test_import_action (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = write_file (fixture, "prices.csv", "item,price\npen,1.5\n");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWidget *dialog;

  g_test_summary ("Import Data is offered exactly when this build has the importer");

  dialog = wf_window_import_file (fixture->window, file);
  /* Importing always shows the Data section, where the result will appear. */
  g_assert_true (wf_window_get_data_visible (fixture->window));
  if (wf_data_page_can_import ())
    {
      g_assert_true (WF_IS_IMPORT_DIALOG (dialog));
      gtk_window_destroy (GTK_WINDOW (dialog));
    }
  else
    g_assert_null (dialog);
}

static void
imported_cb (WfImportDialog *dialog,
             const char     *name,
             gint64          n_rows,
             gpointer        user_data)
{
  *(gint64 *) user_data = n_rows;
}

static void
test_import_dialog_name (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *path = write_file (fixture, "Sales 2024 (Q1).csv", "month,revenue\n2024-01,100\n");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *suggested = wf_import_suggest_name (path);
  WfImportDialog *dialog;

  g_test_summary ("The import dialog suggests a name, checks it as it is typed and offers Replace for a taken one");

  dialog = WF_IMPORT_DIALOG (wf_window_import_file (fixture->window, file));
  g_assert_nonnull (dialog);
  WF_UI_TEST_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  g_assert_cmpstr (wf_import_dialog_get_name (dialog), ==, suggested);
  /* The name has the keyboard. */
  g_assert_nonnull (gtk_window_get_focus (GTK_WINDOW (dialog)));
  g_assert_nonnull (gtk_widget_get_ancestor (gtk_window_get_focus (GTK_WINDOW (dialog)), ADW_TYPE_ENTRY_ROW));
  g_assert_true (wf_import_dialog_get_name_ok (dialog));
  g_assert_false (wf_import_dialog_get_replaces (dialog));
  wf_ui_test_screenshot (GTK_WIDGET (dialog), "data-import-name");

  wf_import_dialog_set_name (dialog, "sales");
  g_assert_true (wf_import_dialog_get_name_ok (dialog));
  g_assert_true (wf_import_dialog_get_replaces (dialog));
  g_assert_nonnull (strstr (wf_import_dialog_get_message (dialog), "sales"));
  wf_ui_test_screenshot (GTK_WIDGET (dialog), "data-import-replace");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  wf_ui_test_screenshot (GTK_WIDGET (dialog), "data-import-replace-dark");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);

  wf_import_dialog_set_name (dialog, "");
  g_assert_false (wf_import_dialog_get_name_ok (dialog));
  wf_import_dialog_set_name (dialog, "no spaces; or quotes\"");
  g_assert_false (wf_import_dialog_get_name_ok (dialog));
  g_assert_nonnull (wf_import_dialog_get_message (dialog));
  /* Starting with a bad name does nothing. */
  wf_import_dialog_start (dialog);
  g_assert_false (wf_import_dialog_get_busy (dialog));
  wf_ui_test_screenshot (GTK_WIDGET (dialog), "data-import-invalid");

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
sandbox_or_skip (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  WfSandbox *sandbox = wf_data_page_get_sandbox (data_page (fixture), &error);

  if (sandbox == NULL || !wf_sandbox_is_available (sandbox, &error))
    {
      g_autofree char *why = g_strdup_printf ("No sandbox: %s", error ? error->message : "?");
      g_test_skip (why);
      return FALSE;
    }
  return TRUE;
}

static void
test_import_and_preview (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *path = write_file (fixture, "Orders.csv",
                                      "order,customer,amount,share\r\n"
                                      "1,Acme,\"1,250.50\",12%\r\n"
                                      "2,\"Globex, Inc.\",980.00,8%\r\n"
                                      "3,Initech,15.25,0.5%\r\n");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  WfDataPage *page = data_page (fixture);
  WfDataPreview *preview = data_preview (fixture);
  WfImportDialog *dialog;
  g_autoptr(WfDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  gint64 n_rows = -1;
  GtkWidget *numeric;

  g_test_summary ("A real import through the dialog: progress, the new dataset selected, its preview typed and aligned");

  if (!sandbox_or_skip (fixture))
    return;

  dialog = WF_IMPORT_DIALOG (wf_window_import_file (fixture->window, file));
  g_signal_connect (dialog, "imported", G_CALLBACK (imported_cb), &n_rows);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  wf_import_dialog_set_name (dialog, "orders");
  wf_import_dialog_start (dialog);
  g_assert_true (wf_import_dialog_get_busy (dialog));
  wf_ui_test_try_screenshot (GTK_WIDGET (dialog), "data-import-progress");

  WF_UI_TEST_WAIT_FOR_SECONDS (dialog == NULL || !wf_import_dialog_get_busy (dialog), 120);
  /* Still open means it failed: say why. */
  g_assert_cmpstr (dialog ? wf_import_dialog_get_message (dialog) : NULL, ==, NULL);
  WF_UI_TEST_WAIT_FOR (dialog == NULL);
  g_assert_cmpint (n_rows, ==, 3);
  dataset = wf_store_get_dataset (fixture->store, "orders", &error);
  g_assert_no_error (error);
  g_assert_cmpint (dataset->n_rows, ==, 3);
  g_assert_cmpstr (dataset->file_name, ==, "Orders.csv");

  g_assert_cmpstr (wf_data_page_get_selected_name (page), ==, "orders");
  WF_UI_TEST_WAIT_FOR_SECONDS (g_strcmp0 (wf_data_preview_get_state (preview), "loading") != 0, 60);
  g_assert_cmpstr (wf_data_preview_get_state (preview), ==, "table");
  g_assert_cmpuint (g_list_model_get_n_items (wf_data_preview_get_rows (preview)), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_column_view_get_columns (wf_data_preview_get_column_view (preview))),
                    ==, 4);
  wf_ui_test_spin (200);
  /* Amounts are right-aligned; names are not. */
  numeric = wf_ui_test_find_by_class (GTK_WIDGET (wf_data_preview_get_column_view (preview)), "numeric");
  g_assert_nonnull (numeric);
  g_assert_cmpfloat (gtk_label_get_xalign (GTK_LABEL (numeric)), ==, 1.0f);
  g_assert_nonnull (wf_ui_test_find_label (GTK_WIDGET (preview), "Acme"));
  wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "data-import-preview");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "data-import-preview-dark");
}

static void
test_import_error (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *path = write_file (fixture, "ragged.csv", "a,b,c\n1,2,3\n4,5\n6,7,8\n");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  WfImportDialog *dialog;
  g_autoptr(WfDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("A broken file ends on the error page with the importer's message naming the line; nothing is kept");

  if (!sandbox_or_skip (fixture))
    return;

  dialog = WF_IMPORT_DIALOG (wf_window_import_file (fixture->window, file));
  wf_import_dialog_start (dialog);
  WF_UI_TEST_WAIT_FOR_SECONDS (!wf_import_dialog_get_busy (dialog), 120);
  g_assert_nonnull (wf_import_dialog_get_message (dialog));
  {
    g_autofree char *lower = g_ascii_strdown (wf_import_dialog_get_message (dialog), -1);

    /* "4,5" is the short row, on line 3 of the file. */
    g_assert_nonnull (strstr (lower, "line 3"));
  }
  wf_ui_test_screenshot (GTK_WIDGET (dialog), "data-import-error");
  dataset = wf_store_get_dataset (fixture->store, "ragged", &error);
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_narrow (Fixture       *fixture,
             gconstpointer  data)
{
  WfWindow *narrow;
  AdwLeaflet *leaflet;
  WfDataPage *page;
  GtkWidget *list_view;

  g_test_summary ("On a narrow window, picking a dataset opens its preview page; Back returns to the list");

  narrow = g_object_new (WF_TYPE_WINDOW, NULL);
  gtk_window_set_default_size (GTK_WINDOW (narrow), 400, 640);
  wf_window_set_store (narrow, fixture->store);
  gtk_window_present (GTK_WINDOW (narrow));
  WF_UI_TEST_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (narrow)));
  wf_ui_test_spin (300);

  page = WF_DATA_PAGE (wf_window_get_data_page (narrow));
  leaflet = ADW_LEAFLET (gtk_widget_get_ancestor (GTK_WIDGET (page), ADW_TYPE_LEAFLET));
  g_assert_true (adw_leaflet_get_folded (leaflet));
  wf_window_set_data_visible (narrow, TRUE);
  wf_ui_test_screenshot (GTK_WIDGET (narrow), "data-narrow-list");

  /* A click on a row, as the user does it. */
  list_view = wf_ui_test_find_by_class (GTK_WIDGET (page), "navigation-sidebar");
  g_signal_emit_by_name (list_view, "activate", 1);
  wf_ui_test_spin (400);
  g_assert_cmpstr (wf_data_page_get_selected_name (page), ==, "sales");
  g_assert_true (gtk_widget_is_ancestor (wf_window_get_data_preview (narrow),
                                         adw_leaflet_get_visible_child (leaflet)));
  wf_ui_test_screenshot (GTK_WIDGET (narrow), "data-narrow-preview");

  gtk_widget_activate_action (GTK_WIDGET (narrow), "win.back", NULL);
  wf_ui_test_spin (400);
  g_assert_true (gtk_widget_is_ancestor (GTK_WIDGET (page), adw_leaflet_get_visible_child (leaflet)));
  /* The same row again still opens it. */
  g_signal_emit_by_name (list_view, "activate", 1);
  wf_ui_test_spin (400);
  g_assert_true (gtk_widget_is_ancestor (wf_window_get_data_preview (narrow),
                                         adw_leaflet_get_visible_child (leaflet)));

  /* Ctrl+N leaves the Data section for a new session. */
  gtk_widget_activate_action (GTK_WIDGET (narrow), "win.new-session", NULL);
  g_assert_false (wf_window_get_data_visible (narrow));
  g_assert_false (gtk_widget_get_visible (wf_window_get_data_preview (narrow)));

  gtk_window_destroy (GTK_WINDOW (narrow));
}

static void
test_import_cancel (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GString) csv = g_string_new ("id,amount,note\n");
  g_autoptr(WfDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  WfImportDialog *dialog;
  gint64 imported_rows = -1;

  g_test_summary ("Cancel during an import closes the dialog and leaves no dataset behind");

  if (!sandbox_or_skip (fixture))
    return;

  /* Big enough that the import is still going when Cancel is pressed. */
  for (guint i = 0; i < 200000; i++)
    g_string_append_printf (csv, "%u,%u.25,row number %u\n", i, i * 3, i);
  path = write_file (fixture, "big.csv", csv->str);
  file = g_file_new_for_path (path);

  dialog = WF_IMPORT_DIALOG (wf_window_import_file (fixture->window, file));
  g_signal_connect (dialog, "imported", G_CALLBACK (imported_cb), &imported_rows);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  wf_import_dialog_start (dialog);
  g_assert_true (wf_import_dialog_get_busy (dialog));
  wf_ui_test_spin (50);
  wf_import_dialog_cancel (dialog);
  WF_UI_TEST_WAIT_FOR_SECONDS (dialog == NULL, 120);
  g_assert_cmpint (imported_rows, ==, -1);

  dataset = wf_store_get_dataset (fixture->store, "big", &error);
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (wf_data_page_get_n_datasets (data_page (fixture)), ==, 0);
}

static void
test_hostile_records (Fixture       *fixture,
                      gconstpointer  data)
{
  WfDataPage *page = data_page (fixture);
  g_autoptr(WfDataset) odd = wf_dataset_new ("odd");
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) long_name = g_string_new (NULL);

  g_test_summary ("Records with invalid UTF-8, huge or negative fields and broken column JSON show without a warning");

  for (guint i = 0; i < 500; i++)
    g_string_append (long_name, "very long file name ");
  /* The file system's bytes, not necessarily UTF-8. */
  g_string_append (long_name, "caf\xe9\xff.csv");
  odd->file_name = g_strdup (long_name->str);
  odd->table_name = g_strdup ("odd");
  odd->n_rows = G_MAXINT64;
  odd->columns_json = g_strdup ("{not json[");
  odd->imported_us = 1;
  g_assert_true (wf_store_add_dataset (fixture->store, odd, &error));
  g_assert_no_error (error);

  wf_data_page_reload (page);
  wf_window_set_data_visible (fixture->window, TRUE);
  g_assert_cmpuint (wf_data_page_get_n_datasets (page), ==, 3);
  g_assert_true (wf_data_page_select_name (page, "odd"));
  wf_ui_test_spin (200);
  wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "data-hostile");
  /* G_DEBUG=fatal-criticals (the test environment) turns any warning into a failure. */
}

static void
test_dark (Fixture       *fixture,
           gconstpointer  data)
{
  WfDataPage *page = data_page (fixture);

  g_test_summary ("The Data section in dark mode");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  wf_window_set_data_visible (fixture->window, TRUE);
  wf_data_page_select_name (page, "customers");
  WF_UI_TEST_WAIT_FOR_SECONDS (g_strcmp0 (wf_data_preview_get_state (data_preview (fixture)), "loading") != 0, 60);
  g_assert_true (adw_style_manager_get_dark (adw_style_manager_get_default ()));
  wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "data-dark");
}

static void
test_app_import_action (void)
{
  g_autoptr(WfApplication) app = wf_application_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) accels = NULL;

  g_test_summary ("The application has Import Data (app.import) on Ctrl+I, as the menu and the shortcuts window say");

  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    {
      g_autofree char *why = g_strdup_printf ("No session bus to register on: %s", error->message);
      g_test_skip (why);
      return;
    }
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "import"));
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.import");
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>i"));
  /* Without a window there is nothing to import into: nothing happens. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "import", NULL);
  g_assert_null (gtk_application_get_active_window (GTK_APPLICATION (app)));
}

int
main (int    argc,
      char **argv)
{
  /* No G_TEST_OPTION_ISOLATE_DIRS: GTK needs the system schemas in XDG_DATA_DIRS;
   * the database goes to a fresh temporary directory. */
  g_test_init (&argc, &argv, NULL);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  if (!gtk_init_check ())
    {
      g_test_skip ("No display: run under build-aux/dev test (Xvfb)");
      return g_test_run ();
    }
  adw_init ();

  wf_ui_test_load_app_style ();

#define ADD(path, seed, func) g_test_add (path, Fixture, seed, fixture_setup, func, fixture_teardown)
  ADD ("/ui/data/empty", NULL, test_empty);
  ADD ("/ui/data/listed", SEED, test_listed);
  ADD ("/ui/data/select", SEED, test_select);
  ADD ("/ui/data/rename", SEED, test_rename);
  ADD ("/ui/data/delete-undo", SEED, test_delete_undo);
  ADD ("/ui/data/delete-two-quickly", SEED, test_delete_two_quickly);
  ADD ("/ui/data/delete-on-close", SEED, test_delete_on_close);
  ADD ("/ui/data/import-action", SEED, test_import_action);
  ADD ("/ui/data/import-dialog-name", SEED, test_import_dialog_name);
  ADD ("/ui/data/import-and-preview", NULL, test_import_and_preview);
  ADD ("/ui/data/import-error", NULL, test_import_error);
  ADD ("/ui/data/import-cancel", NULL, test_import_cancel);
  ADD ("/ui/data/narrow", SEED, test_narrow);
  ADD ("/ui/data/hostile-records", SEED, test_hostile_records);
  ADD ("/ui/data/dark", SEED, test_dark);
#undef ADD
  g_test_add_func ("/ui/data/app-import-action", test_app_import_action);

  return g_test_run ();
}
