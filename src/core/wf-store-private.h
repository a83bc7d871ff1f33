/* wf-store-private.h: what the wf-store*.c files share, never included elsewhere
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store is split by job over wf-store.c (the object, opening, schema,
 * migrations) and wf-store-*.c; together they are the only place that
 * speaks SQL. The helpers below are defined in wf-store.c unless noted.
 */
#pragma once

#include <sqlite3.h>

#include "wf-store.h"

G_BEGIN_DECLS

struct _WfStore
{
  GObject     parent_instance;

  sqlite3    *db;
  char       *path;
  int         schema_version;
  GHashTable *stmts;          /* SQL text (static) → sqlite3_stmt */
};

/* Errors */

int       wf_store_error_code_for_sqlite (int rc);
gboolean  wf_store_set_db_error          (WfStore     *self,
                                 int          rc,
                                 const char  *what,
                                 GError     **error);

/* Statements, cached per connection */

typedef sqlite3_stmt WfStmt;

void      wf_store_stmt_release          (WfStmt       *stmt);
WfStmt   *wf_store_prepare               (WfStore      *self,
                                 const char   *sql,
                                 GError      **error);
void      wf_store_bind_text             (sqlite3_stmt *stmt,
                                 int           i,
                                 const char   *text);
void      wf_store_bind_double           (sqlite3_stmt *stmt,
                                 int           i,
                                 double        value);
char     *wf_store_col_dup               (sqlite3_stmt *stmt,
                                 int           i);
double    wf_store_col_double            (sqlite3_stmt *stmt,
                                 int           i);
gboolean  wf_store_step_done             (WfStore      *self,
                                 sqlite3_stmt *stmt,
                                 const char   *what,
                                 GError      **error);
gboolean  wf_store_expect_one_change     (WfStore      *self,
                                 const char   *what,
                                 gint64        id,
                                 GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfStmt, wf_store_stmt_release)

/* Transactions */

typedef enum
{
  TX_FAILED,
  TX_TOP,
  TX_NESTED,
} TxKind;

TxKind    wf_store_tx_begin              (WfStore   *self,
                                 GError   **error);
gboolean  wf_store_tx_end                (WfStore   *self,
                                 TxKind     kind,
                                 gboolean   ok,
                                 GError   **error);

/* Spend ledger (wf-store-spend.c); saving a run settles its spend in the
 * same transaction. */

gboolean  wf_store_ledger_insert         (WfStore             *self,
                                 const WfLedgerEntry *entry,
                                 gint64               session_id,
                                 gint64              *out_id,
                                 GError             **error);

G_END_DECLS
