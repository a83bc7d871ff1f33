/* wf-store-outbox.c: the telemetry outbox, items waiting to be sent;
 * part of the store, the only place that speaks SQL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-store"

#include "config.h"

#include "wf-store-private.h"

#include <glib/gi18n-lib.h>

/* Telemetry outbox */

void
wf_outbox_item_free (WfOutboxItem *item)
{
  if (item == NULL)
    return;
  g_free (item->payload);
  g_free (item);
}

gboolean
wf_store_outbox_add (WfStore     *self,
                     const char  *payload,
                     gint64      *out_id,
                     GError     **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  gint64 now = g_get_real_time ();

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (payload != NULL, FALSE);

  stmt = wf_store_prepare (self, "INSERT INTO telemetry_outbox (payload, attempts, next_attempt_us, created_us)"
                        " VALUES (?, 0, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  wf_store_bind_text (stmt, 1, payload);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_int64 (stmt, 3, now);
  if (!wf_store_step_done (self, stmt, "queue telemetry", error))
    return FALSE;
  if (out_id)
    *out_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

GPtrArray *
wf_store_outbox_due (WfStore  *self,
                     gint64    now_us,
                     guint     limit,
                     GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_outbox_item_free);
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  stmt = wf_store_prepare (self, "SELECT id, payload, attempts, next_attempt_us, created_us FROM telemetry_outbox"
                        " WHERE next_attempt_us <= ? ORDER BY id LIMIT ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, now_us);
  sqlite3_bind_int64 (stmt, 2, limit == 0 ? -1 : (gint64) limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      WfOutboxItem *item = g_new0 (WfOutboxItem, 1);
      item->id = sqlite3_column_int64 (stmt, 0);
      item->payload = wf_store_col_dup (stmt, 1);
      item->attempts = (guint) sqlite3_column_int64 (stmt, 2);
      item->next_attempt_us = sqlite3_column_int64 (stmt, 3);
      item->created_us = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (list, item);
    }
  if (rc != SQLITE_DONE)
    {
      wf_store_set_db_error (self, rc, "read the telemetry outbox", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

gboolean
wf_store_outbox_delete (WfStore  *self,
                        gint64    id,
                        GError  **error)
{
  g_autoptr(WfStmt) stmt = NULL;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);

  stmt = wf_store_prepare (self, "DELETE FROM telemetry_outbox WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!wf_store_step_done (self, stmt, "delete telemetry", error))
    return FALSE;
  return wf_store_expect_one_change (self, _("telemetry item"), id, error);
}

gboolean
wf_store_outbox_defer (WfStore     *self,
                       gint64       id,
                       gint64       next_attempt_us,
                       const char  *payload,
                       GError     **error)
{
  g_autoptr(WfStmt) stmt = NULL;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);

  stmt = wf_store_prepare (self, "UPDATE telemetry_outbox SET attempts = attempts + 1, next_attempt_us = ?,"
                        " payload = coalesce (?, payload) WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, next_attempt_us);
  wf_store_bind_text (stmt, 2, payload);
  sqlite3_bind_int64 (stmt, 3, id);
  if (!wf_store_step_done (self, stmt, "defer telemetry", error))
    return FALSE;
  return wf_store_expect_one_change (self, _("telemetry item"), id, error);
}

static gint64
count_query (WfStore     *self,
             const char  *sql,
             GError     **error)
{
  g_autoptr(WfStmt) stmt = wf_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      wf_store_set_db_error (self, rc, "count", error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

gint64
wf_store_outbox_count (WfStore  *self,
                       GError  **error)
{
  g_return_val_if_fail (WF_IS_STORE (self), -1);
  return count_query (self, "SELECT count(*) FROM telemetry_outbox", error);
}
