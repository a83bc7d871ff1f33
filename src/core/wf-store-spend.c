/* wf-store-spend.c: the spend ledger, spend reports and budget limits;
 * part of the store, the only place that speaks SQL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-store"

#include "config.h"

#include "wf-store-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define LEDGER_KEY_MAX  256

/* Spend ledger */

gboolean
wf_store_ledger_insert (WfStore             *self,
               const WfLedgerEntry *entry,
               gint64               session_id,
               gint64              *out_id,
               GError             **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  if (entry->run_key == NULL || *entry->run_key == '\0' ||
      strlen (entry->run_key) > LEDGER_KEY_MAX || !g_utf8_validate (entry->run_key, -1, NULL))
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID,
                   _("A spend ledger entry needs a run key of 1 to %d bytes of text"),
                   LEDGER_KEY_MAX);
      return FALSE;
    }
  if (entry->amount_micros < 0)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID,
                   _("A spend ledger amount cannot be negative"));
      return FALSE;
    }

  stmt = wf_store_prepare (self,
    "INSERT INTO spend_ledger (run_key, kind, amount_micros, session_id, provider, model,"
    " estimated, created_us, expires_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  wf_store_bind_text (stmt, 1, entry->run_key);
  wf_store_bind_text (stmt, 2, wf_ledger_kind_to_string (entry->kind));
  sqlite3_bind_int64 (stmt, 3, entry->amount_micros);
  sqlite3_bind_int64 (stmt, 4, MAX (session_id, 0));
  wf_store_bind_text (stmt, 5, entry->provider);
  wf_store_bind_text (stmt, 6, entry->model);
  sqlite3_bind_int (stmt, 7, entry->estimated ? 1 : 0);
  sqlite3_bind_int64 (stmt, 8, entry->created_us > 0 ? entry->created_us : g_get_real_time ());
  sqlite3_bind_int64 (stmt, 9, entry->kind == WF_LEDGER_RESERVE ? MAX (entry->expires_us, 0) : 0);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      if ((rc & 0xff) == SQLITE_CONSTRAINT)
        g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_CONSTRAINT,
                     _("The spend ledger already has a “%s” entry for %s"),
                     wf_ledger_kind_to_string (entry->kind), entry->run_key);
      else
        wf_store_set_db_error (self, rc, "append to the spend ledger", error);
      return FALSE;
    }
  if (out_id)
    *out_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

gboolean
wf_store_ledger_append (WfStore        *self,
                        WfLedgerEntry  *entry,
                        GError        **error)
{
  gint64 id = 0;
  gint64 now = g_get_real_time ();
  TxKind kind;
  gboolean ok;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  if (entry->created_us <= 0)
    entry->created_us = now;
  kind = wf_store_tx_begin (self, error);
  if (kind == TX_FAILED)
    return FALSE;
  ok = wf_store_ledger_insert (self, entry, entry->session_id, &id, error);
  if (!wf_store_tx_end (self, kind, ok, ok ? error : NULL) || !ok)
    return FALSE;
  entry->id = id;
  return TRUE;
}

gboolean
wf_store_ledger_totals (WfStore        *self,
                        gint64          since_us,
                        gint64          until_us,
                        gint64          session_id,
                        gint64          now_us,
                        WfSpendTotals  *out_totals,
                        GError        **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_totals != NULL, FALSE);

  memset (out_totals, 0, sizeof *out_totals);
  stmt = wf_store_prepare (self,
    "SELECT"
    " coalesce (sum (CASE WHEN l.kind = 'settle' THEN l.amount_micros END), 0),"
    " coalesce (sum (CASE WHEN l.kind = 'reserve' AND (l.expires_us = 0 OR l.expires_us > ?4)"
    "   AND NOT EXISTS (SELECT 1 FROM spend_ledger c WHERE c.run_key = l.run_key"
    "                   AND c.kind IN ('settle', 'release'))"
    "   THEN l.amount_micros END), 0),"
    " count (CASE WHEN l.kind = 'settle' THEN 1 END),"
    " count (CASE WHEN l.kind = 'settle' AND l.estimated THEN 1 END)"
    " FROM spend_ledger l"
    " WHERE l.created_us >= ?1 AND l.created_us < ?2 AND (?3 <= 0 OR l.session_id = ?3)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, since_us);
  sqlite3_bind_int64 (stmt, 2, until_us);
  sqlite3_bind_int64 (stmt, 3, session_id);
  sqlite3_bind_int64 (stmt, 4, now_us);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return wf_store_set_db_error (self, rc, "add up the spend ledger", error);

  out_totals->settled_micros = sqlite3_column_int64 (stmt, 0);
  out_totals->reserved_micros = sqlite3_column_int64 (stmt, 1);
  out_totals->n_settled = (guint) sqlite3_column_int64 (stmt, 2);
  out_totals->n_estimated = (guint) sqlite3_column_int64 (stmt, 3);
  return TRUE;
}

GPtrArray *
wf_store_ledger_list (WfStore  *self,
                      gint64    since_us,
                      gint64    until_us,
                      GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_ledger_entry_free);
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  stmt = wf_store_prepare (self, "SELECT id, run_key, kind, amount_micros, session_id, provider, model,"
                        " estimated, created_us, expires_us FROM spend_ledger"
                        " WHERE created_us >= ? AND created_us < ? ORDER BY created_us, id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since_us);
  sqlite3_bind_int64 (stmt, 2, until_us);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      WfLedgerKind kind = WF_LEDGER_SETTLE;
      WfLedgerEntry *e;

      wf_ledger_kind_from_string ((const char *) sqlite3_column_text (stmt, 2), &kind);
      e = wf_ledger_entry_new ((const char *) sqlite3_column_text (stmt, 1), kind,
                               sqlite3_column_int64 (stmt, 3));
      e->id = sqlite3_column_int64 (stmt, 0);
      e->session_id = sqlite3_column_int64 (stmt, 4);
      e->provider = wf_store_col_dup (stmt, 5);
      e->model = wf_store_col_dup (stmt, 6);
      e->estimated = sqlite3_column_int (stmt, 7) != 0;
      e->created_us = sqlite3_column_int64 (stmt, 8);
      e->expires_us = sqlite3_column_int64 (stmt, 9);
      g_ptr_array_add (list, e);
    }
  if (rc != SQLITE_DONE)
    {
      wf_store_set_db_error (self, rc, "list the spend ledger", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

void
wf_spend_row_free (WfSpendRow *row)
{
  if (row == NULL)
    return;
  g_free (row->key);
  g_free (row);
}

GPtrArray *
wf_store_spend_report (WfStore         *self,
                       WfSpendGrouping  grouping,
                       gint64           since_us,
                       gint64           until_us,
                       GError         **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_spend_row_free);
  g_autoptr(WfStmt) stmt = NULL;
  const char *sql;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  switch (grouping)
    {
    case WF_SPEND_BY_DAY:
      sql = "SELECT strftime ('%Y-%m-%d', created_us / 1000000, 'unixepoch', 'localtime') AS k,"
            " sum (amount_micros), count(*), coalesce (sum (CASE WHEN estimated THEN amount_micros END), 0)"
            " FROM spend_ledger WHERE kind = 'settle' AND created_us >= ? AND created_us < ?"
            " GROUP BY k ORDER BY k";
      break;
    case WF_SPEND_BY_MONTH:
      sql = "SELECT strftime ('%Y-%m', created_us / 1000000, 'unixepoch', 'localtime') AS k,"
            " sum (amount_micros), count(*), coalesce (sum (CASE WHEN estimated THEN amount_micros END), 0)"
            " FROM spend_ledger WHERE kind = 'settle' AND created_us >= ? AND created_us < ?"
            " GROUP BY k ORDER BY k";
      break;
    case WF_SPEND_BY_MODEL:
      sql = "SELECT coalesce (model, '') AS k,"
            " sum (amount_micros), count(*), coalesce (sum (CASE WHEN estimated THEN amount_micros END), 0)"
            " FROM spend_ledger WHERE kind = 'settle' AND created_us >= ? AND created_us < ?"
            " GROUP BY k ORDER BY k";
      break;
    default:
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID, _("Unknown spend grouping"));
      return NULL;
    }

  stmt = wf_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since_us);
  sqlite3_bind_int64 (stmt, 2, until_us);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      WfSpendRow *row = g_new0 (WfSpendRow, 1);
      row->key = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      if (row->key == NULL)
        row->key = g_strdup ("");
      row->micros = sqlite3_column_int64 (stmt, 1);
      row->n_entries = (guint) sqlite3_column_int64 (stmt, 2);
      row->estimated_micros = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (list, row);
    }
  if (rc != SQLITE_DONE)
    {
      wf_store_set_db_error (self, rc, "spend report", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* Budgets */

gboolean
wf_store_get_budget_limits (WfStore         *self,
                            WfBudgetLimits  *out_limits,
                            GError         **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_limits != NULL, FALSE);

  out_limits->monthly_micros = -1;
  out_limits->session_micros = -1;
  out_limits->run_micros = -1;
  out_limits->warn_ratio = 0.80;
  out_limits->degrade_ratio = 0.95;

  stmt = wf_store_prepare (self, "SELECT monthly_micros, session_micros, run_micros, warn_ratio, degrade_ratio"
                        " FROM budgets WHERE id = 1", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      out_limits->monthly_micros = sqlite3_column_int64 (stmt, 0);
      out_limits->session_micros = sqlite3_column_int64 (stmt, 1);
      out_limits->run_micros = sqlite3_column_int64 (stmt, 2);
      out_limits->warn_ratio = sqlite3_column_double (stmt, 3);
      out_limits->degrade_ratio = sqlite3_column_double (stmt, 4);
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    return TRUE;
  return wf_store_set_db_error (self, rc, "read the budget", error);
}

gboolean
wf_store_set_budget_limits (WfStore               *self,
                            const WfBudgetLimits  *limits,
                            GError               **error)
{
  g_autoptr(WfStmt) stmt = NULL;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (limits != NULL, FALSE);

  if (!isfinite (limits->warn_ratio) || !isfinite (limits->degrade_ratio) ||
      limits->warn_ratio <= 0 || limits->degrade_ratio <= 0 ||
      limits->warn_ratio > limits->degrade_ratio || limits->degrade_ratio > 1.0)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID,
                   _("Budget thresholds must satisfy 0 < warn ≤ degrade ≤ 1"));
      return FALSE;
    }

  stmt = wf_store_prepare (self, "INSERT OR REPLACE INTO budgets (id, monthly_micros, session_micros, run_micros,"
                        " warn_ratio, degrade_ratio) VALUES (1, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, limits->monthly_micros < 0 ? -1 : limits->monthly_micros);
  sqlite3_bind_int64 (stmt, 2, limits->session_micros < 0 ? -1 : limits->session_micros);
  sqlite3_bind_int64 (stmt, 3, limits->run_micros < 0 ? -1 : limits->run_micros);
  sqlite3_bind_double (stmt, 4, limits->warn_ratio);
  sqlite3_bind_double (stmt, 5, limits->degrade_ratio);
  return wf_store_step_done (self, stmt, "save the budget", error);
}
