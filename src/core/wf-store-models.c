/* wf-store-models.c: the cached catalogue of models and their prices;
 * part of the store, the only place that speaks SQL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-store"

#include "config.h"

#include "wf-store-private.h"

#include <glib/gi18n-lib.h>

/* Models */

gboolean
wf_store_upsert_models (WfStore    *self,
                        GPtrArray  *models,
                        GError    **error)
{
  g_autoptr(WfStmt) stmt = NULL;
  TxKind kind;
  gboolean ok = TRUE;

  g_return_val_if_fail (WF_IS_STORE (self), FALSE);
  g_return_val_if_fail (models != NULL, FALSE);

  stmt = wf_store_prepare (self, "INSERT OR REPLACE INTO models (id, provider, name, input_micros_per_mtok,"
                        " output_micros_per_mtok, context_length, fetched_us) VALUES (?, ?, ?, ?, ?, ?, ?)",
                  error);
  if (stmt == NULL)
    return FALSE;
  kind = wf_store_tx_begin (self, error);
  if (kind == TX_FAILED)
    return FALSE;
  for (guint i = 0; ok && i < models->len; i++)
    {
      const WfModelInfo *m = g_ptr_array_index (models, i);

      if (m->id == NULL || m->provider == NULL)
        {
          g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID,
                       _("A model needs an id and a provider"));
          ok = FALSE;
          break;
        }
      wf_store_bind_text (stmt, 1, m->id);
      wf_store_bind_text (stmt, 2, m->provider);
      wf_store_bind_text (stmt, 3, m->name);
      sqlite3_bind_int64 (stmt, 4, m->input_micros_per_mtok);
      sqlite3_bind_int64 (stmt, 5, m->output_micros_per_mtok);
      sqlite3_bind_int64 (stmt, 6, m->context_length);
      sqlite3_bind_int64 (stmt, 7, m->fetched_us > 0 ? m->fetched_us : g_get_real_time ());
      ok = wf_store_step_done (self, stmt, "save model", error);
      sqlite3_reset (stmt);
    }
  return wf_store_tx_end (self, kind, ok, ok ? error : NULL) && ok;
}

GPtrArray *
wf_store_list_models (WfStore     *self,
                      const char  *provider,
                      GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_model_info_free);
  g_autoptr(WfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (WF_IS_STORE (self), NULL);

  stmt = wf_store_prepare (self, "SELECT id, provider, name, input_micros_per_mtok, output_micros_per_mtok,"
                        " context_length, fetched_us FROM models WHERE ?1 IS NULL OR provider = ?1"
                        " ORDER BY provider, id", error);
  if (stmt == NULL)
    return NULL;
  wf_store_bind_text (stmt, 1, provider);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      WfModelInfo *m = wf_model_info_new ((const char *) sqlite3_column_text (stmt, 0),
                                          (const char *) sqlite3_column_text (stmt, 1));
      m->name = wf_store_col_dup (stmt, 2);
      m->input_micros_per_mtok = sqlite3_column_int64 (stmt, 3);
      m->output_micros_per_mtok = sqlite3_column_int64 (stmt, 4);
      m->context_length = sqlite3_column_int64 (stmt, 5);
      m->fetched_us = sqlite3_column_int64 (stmt, 6);
      g_ptr_array_add (list, m);
    }
  if (rc != SQLITE_DONE)
    {
      wf_store_set_db_error (self, rc, "list models", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}
