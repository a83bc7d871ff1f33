/* wf-csv.h: CSV export of run results (RFC 4180, formula-injection guard)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Import is a sandbox job (the file is untrusted); export is done here because
 * its input is our own data. Numbers are written with a '.' whatever the locale,
 * and text a spreadsheet would run as a formula is escaped.
 */
#pragma once

#include <gio/gio.h>

#include "wf-store.h"
#include "wf-types.h"

G_BEGIN_DECLS

#define WF_CSV_ERROR (wf_csv_error_quark ())
GQuark wf_csv_error_quark (void);

typedef enum
{
  WF_CSV_ERROR_NOT_FOUND,     /* no such table in the run */
  WF_CSV_ERROR_EMPTY,         /* the run has nothing to export */
  WF_CSV_ERROR_IO,
} WfCsvError;

typedef enum
{
  WF_CSV_FLAGS_NONE = 0,
  WF_CSV_FLAGS_BOM  = 1 << 0,   /* a UTF-8 byte order mark, for Excel */
} WfCsvFlags;

/* One cell, appended to out: quoted when RFC 4180 needs it, with a leading "'"
 * when a spreadsheet would read the text as a formula. */
void      wf_csv_append_text     (GString         *out,
                                  const char      *text);
/* Shortest text that reads back as the same double, '.' as decimal point;
 * non-finite values become an empty cell. */
void      wf_csv_append_number   (GString         *out,
                                  double           value);
/* A JSON scalar cell (number, string, bool or null). */
void      wf_csv_append_node     (GString         *out,
                                  JsonNode        *node);
/* A header and the rows of a table, each line ending in CRLF. */
void      wf_csv_append_table    (GString         *out,
                                  const WfTable   *table);
char     *wf_csv_table_to_string (const WfTable   *table,
                                  WfCsvFlags       flags);

/* The run's metrics as a table (name, value, unit); NULL when it has none. */
WfTable  *wf_csv_metrics_table   (const WfRun     *run);

/* The CSV text of wf_csv_export_run(), for standard output. */
char     *wf_csv_run_to_string   (const WfRun     *run,
                                  const char      *table_name,
                                  WfCsvFlags       flags,
                                  GError         **error);
/* Writes the table named table_name (NULL: every table, each one headed by a
 * line with its name and separated by an empty line; a single table is
 * written bare) to path, atomically: on error nothing is left at path. */
gboolean  wf_csv_export_run      (const WfRun     *run,
                                  const char      *table_name,
                                  const char      *path,
                                  WfCsvFlags       flags,
                                  GError         **error);

/* A folder for the accountant: summary.csv (one line per run: id, time,
 * question, outcome, model, cost) and run-<id>-<table>.csv for every table
 * and metric list. The folder is created if needed. */
gboolean  wf_csv_export_session  (WfStore         *store,
                                  gint64           session_id,
                                  const char      *folder,
                                  WfCsvFlags       flags,
                                  GError         **error);

/* One run as a Markdown report (question, assumptions, answer, metrics,
 * tables, code, cost) and as a JSON document. */
char     *wf_csv_run_to_markdown (const WfRun     *run);
JsonNode *wf_csv_run_to_json     (const WfRun     *run);

G_END_DECLS
