/* bench-csv.c: CSV import through the sandbox, and CSV export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "wf-bench.h"
#include "wf-csv.h"
#include "wf-import.h"
#include "wf-sandbox-bwrap.h"
#include "wf-store.h"

#define MB (1000.0 * 1000.0)

/* An accounting export of about SIZE bytes: ids, dates, text, money. */
static gint64
write_csv (const char *path,
           gint64      size)
{
  FILE *f = fopen (path, "w");
  gint64 written = 0;
  guint i = 0;

  g_assert (f != NULL);
  written += fprintf (f, "id,date,customer,region,amount,qty,note\r\n");
  while (written < size)
    {
      i++;
      written += fprintf (f, "%u,2024-%02u-%02u,Customer %u,%s,%u.%02u,%u,\"note %u, with comma\"\r\n",
                          i, 1 + i % 12, 1 + i % 28, i % 5000,
                          (i % 3) == 0 ? "North" : (i % 3) == 1 ? "South" : "East",
                          (i * 7919) % 100000, i % 100, i % 50, i);
    }
  fclose (f);
  return written;
}

static void
bench_import (WfBench *bench)
{
  const char *dir = wf_bench_get_tmpdir (bench);
  g_autofree char *csv = g_build_filename (dir, "import.csv", NULL);
  g_autofree char *db = g_build_filename (dir, "import.db", NULL);
  g_autoptr(WfSandbox) sandbox = wf_sandbox_bwrap_new ();
  g_autoptr(WfStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 size = wf_bench_is_quick (bench) ? 10 * 1000 * 1000 : 100 * 1000 * 1000;
  guint n = wf_bench_is_quick (bench) ? 1 : 2;

  if (!wf_sandbox_is_available (sandbox, &error))
    {
      wf_bench_note (bench, "csv.import skipped: %s", error->message);
      return;
    }
  store = wf_store_open (db, &error);
  if (store == NULL)
    {
      wf_bench_note (bench, "csv.import skipped: %s", error->message);
      return;
    }
  size = write_csv (csv, size);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WfDataset) dataset = NULL;
      WfImportStats stats = { 0 };
      double t0 = wf_bench_now_ms (), ms;

      dataset = wf_import_csv_sync_full (store, sandbox, csv, "bench", i > 0, NULL, NULL, &stats,
                                         NULL, &error);
      ms = wf_bench_now_ms () - t0;
      if (dataset == NULL)
        {
          wf_bench_note (bench, "csv.import failed: %s", error->message);
          return;
        }
      wf_bench_add_sample (bench, "csv.import", "MB/s", size / MB / (ms / 1000.0));
      wf_bench_add_sample (bench, "csv.import_peak_rss", "MB", stats.peak_rss_kb / 1024.0);
      if (i == 0)
        wf_bench_note (bench, "csv.import: %.0f MB, %" G_GINT64_FORMAT " rows, %.1f s wall "
                       "(cold sandbox included), %.1f s CPU in the sandbox",
                       size / MB, dataset->n_rows, ms / 1000.0, stats.cpu_ms / 1000.0);
    }
  wf_import_delete_dataset (store, "bench", NULL);
  g_unlink (csv);
}

static WfTable *
export_table (guint n_rows)
{
  WfTable *table = wf_table_new ("sales");
  static const char * const columns[] = { "id", "date", "customer", "region", "amount", "qty", "note" };

  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    g_ptr_array_add (table->columns, g_strdup (columns[c]));
  for (guint i = 1; i <= n_rows; i++)
    {
      JsonArray *row = json_array_new ();
      g_autofree char *date = g_strdup_printf ("2024-%02u-%02u", 1 + i % 12, 1 + i % 28);
      g_autofree char *customer = g_strdup_printf ("Customer %u", i % 5000);
      g_autofree char *note = g_strdup_printf ("note %u, with comma", i);

      json_array_add_int_element (row, i);
      json_array_add_string_element (row, date);
      json_array_add_string_element (row, customer);
      json_array_add_string_element (row, (i % 3) == 0 ? "North" : "=South");
      json_array_add_double_element (row, ((i * 7919) % 100000) + (i % 100) / 100.0);
      json_array_add_int_element (row, i % 50);
      json_array_add_string_element (row, note);
      json_array_add_array_element (table->rows, row);
    }
  return table;
}

/* The wf-csv code on a table of 200 000 rows, written out until about
 * 100 MB have gone to disk (a table that size in memory would measure the
 * JSON nodes, not the export). */
static void
bench_export (WfBench *bench)
{
  const char *dir = wf_bench_get_tmpdir (bench);
  g_autofree char *path = g_build_filename (dir, "export.csv", NULL);
  g_autoptr(WfTable) table = export_table (200000);
  gint64 target = wf_bench_is_quick (bench) ? 10 * 1000 * 1000 : 100 * 1000 * 1000;
  guint n = wf_bench_is_quick (bench) ? 1 : 3;

  for (guint k = 0; k < n; k++)
    {
      gint64 total = 0;
      double t0 = wf_bench_now_ms (), ms;
      FILE *f = fopen (path, "w");

      if (f == NULL)
        return;
      while (total < target)
        {
          g_autofree char *text = wf_csv_table_to_string (table, WF_CSV_FLAGS_NONE);
          gsize len = strlen (text);

          if (fwrite (text, 1, len, f) != len)
            break;
          total += (gint64) len;
        }
      fclose (f);
      ms = wf_bench_now_ms () - t0;
      wf_bench_add_sample (bench, "csv.export", "MB/s", total / MB / (ms / 1000.0));
    }
  g_unlink (path);
}

void
wf_bench_csv (WfBench *bench)
{
  bench_export (bench);
  bench_import (bench);
}
