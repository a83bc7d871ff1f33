/* wf-import.h: CSV files become datasets in the workbook, parsed inside the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A CSV file is untrusted input: it is parsed by pandas inside the sandbox
 * (the file mounted read-only, the workbook database the only writable path),
 * in chunks, into a temporary table that is renamed to its final name in one
 * transaction at the end, so a bad file leaves nothing half-imported. The
 * dataset's record (original file name, rows, column types, time) goes into
 * the main store.
 *
 * This header is the contract shared by the CLI (`whatif-cli import`,
 * `whatif-cli datasets`) and the app (Import data, the Data section).
 */
#pragma once

#include <gio/gio.h>

#include "wf-sandbox.h"
#include "wf-store.h"
#include "wf-types.h"

G_BEGIN_DECLS

#define WF_IMPORT_ERROR (wf_import_error_quark ())
GQuark wf_import_error_quark (void);

typedef enum
{
  WF_IMPORT_ERROR_INVALID_NAME,   /* not a usable dataset name */
  WF_IMPORT_ERROR_EXISTS,         /* a dataset with that name exists (and replace was not asked) */
  WF_IMPORT_ERROR_NOT_FOUND,      /* no such file or dataset */
  WF_IMPORT_ERROR_TOO_LARGE,      /* file, field, row or column count over the limits */
  WF_IMPORT_ERROR_PARSE,          /* malformed CSV; the message names the line */
  WF_IMPORT_ERROR_NOT_TEXT,       /* binary or undecodable file */
  WF_IMPORT_ERROR_SANDBOX,        /* the sandbox could not run the import */
  WF_IMPORT_ERROR_CANCELLED,
} WfImportError;

/* Called on the caller's main context (async) or the calling thread (sync).
 * fraction is 0..1, or -1 when unknown; message is a translated line such as
 * "Read 120 000 rows". */
typedef void (*WfImportProgressFunc) (const char *message,
                                      double      fraction,
                                      gpointer    user_data);

/* A name derived from a file name that wf_import_name_is_valid() accepts
 * ("Sales 2024 (Q1).csv" → "sales_2024_q1"). */
char      *wf_import_suggest_name   (const char            *file_path);
gboolean   wf_import_name_is_valid  (const char            *name,
                                     GError               **error);

/* Imports FILE_PATH as dataset NAME. replace: an existing dataset of that
 * name is replaced atomically (its old rows stay until the new ones are in).
 * Returns the stored dataset (id, n_rows, columns_json filled in). */
WfDataset *wf_import_csv_sync       (WfStore               *store,
                                     WfSandbox             *sandbox,
                                     const char            *file_path,
                                     const char            *name,
                                     gboolean               replace,
                                     WfImportProgressFunc   progress,
                                     gpointer               progress_data,
                                     GCancellable          *cancellable,
                                     GError               **error);

/* What the sandbox measured during one import (for tests and the bench). */
typedef struct
{
  gint64 bytes;          /* size of the CSV file */
  gint64 wall_ms;
  gint64 cpu_ms;
  gint64 peak_rss_kb;    /* of the job process, from the runner's done message */
} WfImportStats;

/* wf_import_csv_sync () that also fills STATS (nullable) on success. */
WfDataset *wf_import_csv_sync_full  (WfStore               *store,
                                     WfSandbox             *sandbox,
                                     const char            *file_path,
                                     const char            *name,
                                     gboolean               replace,
                                     WfImportProgressFunc   progress,
                                     gpointer               progress_data,
                                     WfImportStats         *stats,
                                     GCancellable          *cancellable,
                                     GError               **error);

/* The same on a worker thread. The store is opened afresh on the worker from
 * DB_PATH (SQLite connections are not shared across threads); progress is
 * delivered on the thread-default main context of the caller. */
void       wf_import_csv_async      (const char            *db_path,
                                     WfSandbox             *sandbox,
                                     const char            *file_path,
                                     const char            *name,
                                     gboolean               replace,
                                     WfImportProgressFunc   progress,
                                     gpointer               progress_data,
                                     GDestroyNotify         progress_data_free,
                                     GCancellable          *cancellable,
                                     GAsyncReadyCallback    callback,
                                     gpointer               user_data);
WfDataset *wf_import_csv_finish     (GAsyncResult          *result,
                                     GError               **error);

/* The first MAX_ROWS rows of a dataset as a table (for previews), read
 * from the workbook. Runs in the sandbox like everything that reads
 * imported cells. */
WfTable   *wf_import_preview        (WfStore               *store,
                                     WfSandbox             *sandbox,
                                     const char            *name,
                                     guint                  max_rows,
                                     GCancellable          *cancellable,
                                     GError               **error);

/* Deletes the dataset's record and drops its workbook table. */
gboolean   wf_import_delete_dataset (WfStore               *store,
                                     const char            *name,
                                     GError               **error);

G_END_DECLS
