/* wf-store-datasets.c: imported dataset records and the workbook database;
 * part of the store, the only place that speaks SQL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-store"

#include "config.h"

#include "wf-store-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Datasets */

char *
wf_store_dup_workbook_path (WfStore *self)
{
  g_autofree char *stem = NULL;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  stem = g_str_has_suffix (self->path, ".db")
         ? g_strndup (self->path, strlen (self->path) - 3)
         : g_strdup (self->path);
  return g_strconcat (stem, "-workbook.db", NULL);
}

static gboolean
valid_dataset_name (const char  *name,
                    GError     **error)
{
  if (name != NULL && *name != '\0' && strlen (name) <= 64 && g_utf8_validate (name, -1, NULL))
    return TRUE;
  g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID,
               _("A dataset name must be 1 to 64 bytes of text"));
  return FALSE;
}

gboolean
wf_store_add_dataset (WfStore    *self,
                      WfDataset  *dataset,
                      GError    **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (dataset != NULL, FALSE);

  if (!valid_dataset_name (dataset->name, error))
    return FALSE;
  if (dataset->imported_us <= 0)
    dataset->imported_us = g_get_real_time ();

  stmt = wf_store_prepare (self, "INSERT INTO datasets (name, file_name, table_name, n_rows, columns_json, imported_us)"
                        " VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  wf_store_bind_text (stmt, 1, dataset->name);
  wf_store_bind_text (stmt, 2, dataset->file_name);
  wf_store_bind_text (stmt, 3, dataset->table_name ? dataset->table_name : dataset->name);
  sqlite3_bind_int64 (stmt, 4, MAX (dataset->n_rows, 0));
  wf_store_bind_text (stmt, 5, dataset->columns_json);
  sqlite3_bind_int64 (stmt, 6, dataset->imported_us);
  rc = sqlite3_step (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_CONSTRAINT,
                   _("There is already a dataset named “%s”"), dataset->name);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return wf_store_set_db_error (self, rc, "add dataset", error);
  dataset->id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

static WfDataset *
dataset_from_row (sqlite3_stmt *stmt)
{
  WfDataset *d = wf_dataset_new ((const char *) sqlite3_column_text (stmt, 1));

  d->id = sqlite3_column_int64 (stmt, 0);
  d->file_name = wf_store_col_dup (stmt, 2);
  d->table_name = wf_store_col_dup (stmt, 3);
  d->n_rows = sqlite3_column_int64 (stmt, 4);
  d->columns_json = wf_store_col_dup (stmt, 5);
  d->imported_us = sqlite3_column_int64 (stmt, 6);
  return d;
}

GPtrArray *
wf_store_list_datasets (WfStore  *self,
                        GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_dataset_free);
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  stmt = wf_store_prepare (self, "SELECT id, name, file_name, table_name, n_rows, columns_json, imported_us"
                        " FROM datasets ORDER BY name", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, dataset_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      wf_store_set_db_error (self, rc, "list datasets", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

WfDataset *
wf_store_get_dataset (WfStore     *self,
                      const char  *name,
                      GError     **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  stmt = wf_store_prepare (self, "SELECT id, name, file_name, table_name, n_rows, columns_json, imported_us"
                        " FROM datasets WHERE name = ?", error);
  if (stmt == NULL)
    return NULL;
  wf_store_bind_text (stmt, 1, name);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return dataset_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND,
                 _("There is no dataset named “%s”"), name);
  else
    wf_store_set_db_error (self, rc, "read dataset", error);
  return NULL;
}

gboolean
wf_store_rename_dataset (WfStore     *self,
                         const char  *name,
                         const char  *new_name,
                         GError     **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!valid_dataset_name (new_name, error))
    return FALSE;
  stmt = wf_store_prepare (self, "UPDATE datasets SET name = ? WHERE name = ?", error);
  if (stmt == NULL)
    return FALSE;
  wf_store_bind_text (stmt, 1, new_name);
  wf_store_bind_text (stmt, 2, name);
  rc = sqlite3_step (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_CONSTRAINT,
                   _("There is already a dataset named “%s”"), new_name);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return wf_store_set_db_error (self, rc, "rename dataset", error);
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND,
                   _("There is no dataset named “%s”"), name);
      return FALSE;
    }
  return TRUE;
}

gboolean
wf_store_delete_dataset (WfStore     *self,
                         const char  *name,
                         GError     **error)
{
  g_autoptr(WfStmt) stmt = NULL;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  stmt = wf_store_prepare (self, "DELETE FROM datasets WHERE name = ?", error);
  if (stmt == NULL)
    return FALSE;
  wf_store_bind_text (stmt, 1, name);
  if (!wf_store_step_done (self, stmt, "delete dataset", error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND,
                   _("There is no dataset named “%s”"), name);
      return FALSE;
    }
  return TRUE;
}

/* A re-import (replace): the record keeps its id and name. */
gboolean
wf_store_update_dataset (WfStore    *self,
                         WfDataset  *dataset,
                         GError    **error)
{
  g_autoptr(WfStmt) stmt = NULL;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (dataset != NULL && dataset->name != NULL, FALSE);

  if (dataset->imported_us <= 0)
    dataset->imported_us = g_get_real_time ();
  stmt = wf_store_prepare (self, "UPDATE datasets SET file_name = ?, table_name = ?, n_rows = ?, columns_json = ?,"
                        " imported_us = ? WHERE name = ?", error);
  if (stmt == NULL)
    return FALSE;
  wf_store_bind_text (stmt, 1, dataset->file_name);
  wf_store_bind_text (stmt, 2, dataset->table_name ? dataset->table_name : dataset->name);
  sqlite3_bind_int64 (stmt, 3, MAX (dataset->n_rows, 0));
  wf_store_bind_text (stmt, 4, dataset->columns_json);
  sqlite3_bind_int64 (stmt, 5, dataset->imported_us);
  wf_store_bind_text (stmt, 6, dataset->name);
  if (!wf_store_step_done (self, stmt, "update dataset", error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND,
                   _("There is no dataset named “%s”"), dataset->name);
      return FALSE;
    }
  return TRUE;
}

/* The workbook is its own database, opened only for these short calls. The
 * sandbox binds its journal file, so it keeps a persistent journal
 * (journal_mode=TRUNCATE) rather than deleting it; opening it read-write also
 * rolls back the hot journal of an import that was killed. */
static sqlite3 *
open_workbook (WfStore  *self,
               gboolean  create,
               GError  **error)
{
  g_autofree char *path = wf_store_dup_workbook_path (self);
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) |
                                   SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (db, 10000);
      rc = sqlite3_exec (db, "PRAGMA journal_mode=TRUNCATE", NULL, NULL, NULL);
    }
  if (rc != SQLITE_OK)
    {
      g_set_error (error, WF_STORE_ERROR, wf_store_error_code_for_sqlite (rc),
                   _("Database %s: open workbook failed: %s"), path,
                   db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

gboolean
wf_store_drop_workbook_table (WfStore     *self,
                              const char  *table_name,
                              GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *sql = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (table_name != NULL, FALSE);

  path = wf_store_dup_workbook_path (self);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  db = open_workbook (self, FALSE, error);
  if (db == NULL)
    return FALSE;
  sql = sqlite3_mprintf ("DROP TABLE IF EXISTS \"%w\"", table_name);
  rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
  sqlite3_free (g_steal_pointer (&sql));
  if (rc != SQLITE_OK)
    g_set_error (error, WF_STORE_ERROR, wf_store_error_code_for_sqlite (rc),
                 _("Database %s: drop table failed: %s"), path, sqlite3_errmsg (db));
  sqlite3_close (db);
  return rc == SQLITE_OK;
}

GStrv
wf_store_list_workbook_tables (WfStore  *self,
                               GError  **error)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autofree char *path = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  path = wf_store_dup_workbook_path (self);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return g_strv_builder_end (names);
  db = open_workbook (self, FALSE, error);
  if (db == NULL)
    return NULL;
  rc = sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_strv_builder_add (names, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, WF_STORE_ERROR, wf_store_error_code_for_sqlite (rc),
                   _("Database %s: list tables failed: %s"), path, sqlite3_errmsg (db));
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_close (db);
  return g_strv_builder_end (names);
}
