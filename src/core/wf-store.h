/* wf-store.h: the per-user SQLite database, the only place that speaks SQL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One WfStore is one connection. A store may be used from one thread at a time
 * (the pipeline's worker opens its own); SQLite's WAL mode and busy timeout make
 * several connections and several processes safe together.
 */
#pragma once

#include <gio/gio.h>

#include "wf-types.h"

G_BEGIN_DECLS

#define WF_STORE_SCHEMA_VERSION 1

#define WF_STORE_ERROR (wf_store_error_quark ())
GQuark wf_store_error_quark (void);

typedef enum
{
  WF_STORE_ERROR_OPEN,          /* cannot open or create the file */
  WF_STORE_ERROR_CORRUPT,       /* not a SQLite database, or fails its checks */
  WF_STORE_ERROR_TOO_NEW,       /* written by a newer What If: refused, untouched */
  WF_STORE_ERROR_MIGRATION,
  WF_STORE_ERROR_IO,            /* disk full, read-only, … */
  WF_STORE_ERROR_BUSY,
  WF_STORE_ERROR_NOT_FOUND,
  WF_STORE_ERROR_CONSTRAINT,    /* e.g. a duplicate ledger entry */
  WF_STORE_ERROR_INVALID,
  WF_STORE_ERROR_FAILED,
} WfStoreError;

#define WF_TYPE_STORE (wf_store_get_type ())
G_DECLARE_FINAL_TYPE (WfStore, wf_store, WF, STORE, GObject)

/* $WHATIF_DB, else $XDG_DATA_HOME/whatif/whatif.db */
char        *wf_store_dup_default_path   (void);
WfStore     *wf_store_open               (const char     *path,
                                          GError        **error);
const char  *wf_store_get_path           (WfStore        *self);
int          wf_store_get_schema_version (WfStore        *self);
gboolean     wf_store_check_integrity    (WfStore        *self,
                                          GError        **error);

/* Runs a function inside one write transaction (BEGIN IMMEDIATE), so that a
 * read-check-write sequence (the budget's reserve) is atomic across threads and
 * processes. Store calls made from inside nest as savepoints. */
typedef gboolean (*WfStoreTransactionFunc) (WfStore   *store,
                                            gpointer   user_data,
                                            GError   **error);
gboolean     wf_store_transaction        (WfStore                 *self,
                                          WfStoreTransactionFunc   func,
                                          gpointer                 user_data,
                                          GError                 **error);

/* Sessions */
gboolean     wf_store_create_session     (WfStore        *self,
                                          const char     *title,
                                          gint64         *out_id,
                                          GError        **error);
WfSessionInfo *wf_store_get_session      (WfStore        *self,
                                          gint64          session_id,
                                          GError        **error);
/* Newest first; (element-type WfSessionInfo) */
GPtrArray   *wf_store_list_sessions      (WfStore        *self,
                                          guint           offset,
                                          guint           limit,
                                          GError        **error);
gboolean     wf_store_rename_session     (WfStore        *self,
                                          gint64          session_id,
                                          const char     *title,
                                          GError        **error);
/* Deletes the session with its messages and runs; the spend ledger keeps its rows. */
gboolean     wf_store_delete_session     (WfStore        *self,
                                          gint64          session_id,
                                          GError        **error);
/* Oldest first; (element-type WfMessage) */
GPtrArray   *wf_store_list_messages      (WfStore        *self,
                                          gint64          session_id,
                                          GError        **error);

/* Runs. wf_store_save_run() writes, in one transaction: the session if
 * run->session_id is 0 (titled after the question), the user message, the
 * assistant message, the run with its tables, metrics, params, charts, fixes and
 * cost spans, and the settlement ledger entry if one is given. On success
 * run->id and run->session_id are set. */
gboolean     wf_store_save_run           (WfStore             *self,
                                          WfRun               *run,
                                          const WfLedgerEntry *settlement,
                                          GError             **error);
WfRun       *wf_store_load_run           (WfStore        *self,
                                          gint64          run_id,
                                          GError        **error);
/* Newest first; session_id 0 lists every session. (element-type WfRunSummary) */
GPtrArray   *wf_store_list_runs          (WfStore        *self,
                                          gint64          session_id,
                                          guint           offset,
                                          guint           limit,
                                          GError        **error);
gint64       wf_store_count_runs         (WfStore        *self,
                                          gint64          session_id,
                                          GError        **error);
/* Full-text search over questions and answers, best first.
 * (element-type WfRunSummary) */
GPtrArray   *wf_store_search_runs        (WfStore        *self,
                                          const char     *query,
                                          guint           limit,
                                          GError        **error);

/* Spend ledger (append-only). Fails with WF_STORE_ERROR_CONSTRAINT when an
 * entry with the same run_key and kind exists. Sets entry->id. */
gboolean     wf_store_ledger_append      (WfStore        *self,
                                          WfLedgerEntry  *entry,
                                          GError        **error);
typedef struct
{
  gint64 settled_micros;    /* settlements in the window */
  gint64 reserved_micros;   /* reservations in the window still open (no settle or
                             * release with the same run_key, not expired at now_us) */
  guint  n_settled;
  guint  n_estimated;       /* settlements flagged estimated */
} WfSpendTotals;
/* session_id 0 means every session. The window is [since_us, until_us). */
gboolean     wf_store_ledger_totals      (WfStore        *self,
                                          gint64          since_us,
                                          gint64          until_us,
                                          gint64          session_id,
                                          gint64          now_us,
                                          WfSpendTotals  *out_totals,
                                          GError        **error);
/* (element-type WfLedgerEntry), oldest first */
GPtrArray   *wf_store_ledger_list        (WfStore        *self,
                                          gint64          since_us,
                                          gint64          until_us,
                                          GError        **error);

typedef enum
{
  WF_SPEND_BY_DAY,      /* key "YYYY-MM-DD", local time */
  WF_SPEND_BY_MONTH,    /* key "YYYY-MM" */
  WF_SPEND_BY_MODEL,    /* key model id, "" for none */
} WfSpendGrouping;
typedef struct
{
  char   *key;
  gint64  micros;
  guint   n_entries;
  gint64  estimated_micros;
} WfSpendRow;
void         wf_spend_row_free           (WfSpendRow     *row);
/* Settlements only, grouped; (element-type WfSpendRow) ordered by key */
GPtrArray   *wf_store_spend_report       (WfStore         *self,
                                          WfSpendGrouping  grouping,
                                          gint64           since_us,
                                          gint64           until_us,
                                          GError         **error);

/* Budgets: limit_micros < 0 means no limit for that scope. */
typedef struct
{
  gint64 monthly_micros;
  gint64 session_micros;
  gint64 run_micros;
  double warn_ratio;        /* 0.80 */
  double degrade_ratio;     /* 0.95 */
} WfBudgetLimits;
gboolean     wf_store_get_budget_limits  (WfStore        *self,
                                          WfBudgetLimits *out_limits,
                                          GError        **error);
gboolean     wf_store_set_budget_limits  (WfStore              *self,
                                          const WfBudgetLimits *limits,
                                          GError              **error);

/* Model catalogue cache */
gboolean     wf_store_upsert_models      (WfStore        *self,
                                          GPtrArray      *models,
                                          GError        **error);
/* (element-type WfModelInfo); provider NULL for all */
GPtrArray   *wf_store_list_models        (WfStore        *self,
                                          const char     *provider,
                                          GError        **error);

/* Telemetry outbox */
typedef struct
{
  gint64  id;
  char   *payload;
  guint   attempts;
  gint64  next_attempt_us;
  gint64  created_us;
} WfOutboxItem;
void         wf_outbox_item_free         (WfOutboxItem   *item);
gboolean     wf_store_outbox_add         (WfStore        *self,
                                          const char     *payload,
                                          gint64         *out_id,
                                          GError        **error);
/* Items due at now_us, oldest first; (element-type WfOutboxItem) */
GPtrArray   *wf_store_outbox_due         (WfStore        *self,
                                          gint64          now_us,
                                          guint           limit,
                                          GError        **error);
gboolean     wf_store_outbox_delete      (WfStore        *self,
                                          gint64          id,
                                          GError        **error);
gboolean     wf_store_outbox_defer       (WfStore        *self,
                                          gint64          id,
                                          gint64          next_attempt_us,
                                          const char     *payload,    /* nullable: replace (partial success) */
                                          GError        **error);
gint64       wf_store_outbox_count       (WfStore        *self,
                                          GError        **error);

/* Datasets (their rows live in the workbook database beside this one) */
char        *wf_store_dup_workbook_path  (WfStore        *self);
gboolean     wf_store_add_dataset        (WfStore        *self,
                                          WfDataset      *dataset,
                                          GError        **error);
/* (element-type WfDataset) by name */
GPtrArray   *wf_store_list_datasets      (WfStore        *self,
                                          GError        **error);
WfDataset   *wf_store_get_dataset        (WfStore        *self,
                                          const char     *name,
                                          GError        **error);
gboolean     wf_store_rename_dataset     (WfStore        *self,
                                          const char     *name,
                                          const char     *new_name,
                                          GError        **error);
gboolean     wf_store_delete_dataset     (WfStore        *self,
                                          const char     *name,
                                          GError        **error);
/* The record of an existing dataset, replaced (a re-import). */
gboolean     wf_store_update_dataset     (WfStore        *self,
                                          WfDataset      *dataset,
                                          GError        **error);
/* Drops a table of the workbook (no error when it or the workbook is absent). */
gboolean     wf_store_drop_workbook_table (WfStore       *self,
                                          const char     *table_name,
                                          GError        **error);
/* The workbook's table names, sorted (empty when there is no workbook). */
GStrv        wf_store_list_workbook_tables (WfStore      *self,
                                          GError        **error);

/* Small key/value table for state that is data, not a preference (e.g. the
 * catalogue's last refresh). */
char        *wf_store_dup_meta           (WfStore        *self,
                                          const char     *key,
                                          GError        **error);
gboolean     wf_store_set_meta           (WfStore        *self,
                                          const char     *key,
                                          const char     *value,
                                          GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfSpendRow, wf_spend_row_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfOutboxItem, wf_outbox_item_free)

G_END_DECLS
