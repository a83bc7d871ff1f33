/* bench-store.c: writing a finished run, and opening a big history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "wf-bench.h"
#include "wf-store.h"

#define HISTORY_RUNS  10000
#define HISTORY_PAGE  50

static WfRun *
bench_run (guint i,
           guint n_tables,
           guint n_rows)
{
  WfRun *run = wf_run_new ();
  WfCostSpan *span;

  run->question = g_strdup_printf ("What if I raise prices %u%% and lose 3%% of my customers?", i % 20);
  run->answer = g_strdup ("Revenue rises by 1.9% to $523,400 a year.");
  run->language = g_strdup ("python");
  run->code = g_strdup ("import whatif as wf\nprice = wf.param('Price change', 5, 'percent')\n");
  run->model = g_strdup ("openai/gpt-4o-mini");
  run->provider = g_strdup ("openrouter");
  run->total_micros = 420;
  run->finished_us = g_get_real_time ();
  run->result = wf_run_result_new ();
  for (guint t = 0; t < n_tables; t++)
    {
      g_autofree char *name = g_strdup_printf ("table%u", t);
      WfTable *table = wf_table_new (name);

      g_ptr_array_add (table->columns, g_strdup ("month"));
      g_ptr_array_add (table->columns, g_strdup ("revenue"));
      g_ptr_array_add (table->columns, g_strdup ("customers"));
      g_ptr_array_add (table->columns, g_strdup ("note"));
      for (guint r = 0; r < n_rows; r++)
        {
          JsonArray *row = json_array_new ();
          json_array_add_int_element (row, r + 1);
          json_array_add_double_element (row, 43616.67 + r * 12.5);
          json_array_add_int_element (row, 970 - r);
          json_array_add_string_element (row, "projected");
          json_array_add_array_element (table->rows, row);
        }
      g_ptr_array_add (run->result->tables, table);
    }
  g_ptr_array_add (run->result->metrics, wf_metric_new ("revenue_change", 1.9, "%"));
  g_ptr_array_add (run->result->metrics, wf_metric_new ("annual_revenue", 523400, "USD"));
  g_ptr_array_add (run->result->params, wf_param_new ("Price change", "percent", 5));
  span = wf_cost_span_new ("generate");
  span->total_micros = 400;
  g_ptr_array_add (run->spans, span);
  span = wf_cost_span_new ("execute");
  span->total_micros = 20;
  g_ptr_array_add (run->spans, span);
  return run;
}

static void
bench_write_run (WfBench *bench)
{
  g_autofree char *path = g_build_filename (wf_bench_get_tmpdir (bench), "write.db", NULL);
  g_autoptr(WfStore) store = NULL;
  g_autoptr(GError) error = NULL;
  guint n = wf_bench_is_quick (bench) ? 10 : 100;

  store = wf_store_open (path, &error);
  if (store == NULL)
    {
      wf_bench_note (bench, "store.write_run: %s", error->message);
      return;
    }

  for (guint i = 0; i < n + 3; i++)
    {
      g_autoptr(WfRun) run = bench_run (i, 3, 100);
      g_autofree char *key = g_strdup_printf ("run:bench:%u", i);
      g_autoptr(WfLedgerEntry) settle = wf_ledger_entry_new (key, WF_LEDGER_SETTLE, 420);
      double t0 = wf_bench_now_ms ();

      if (!wf_store_save_run (store, run, settle, &error))
        {
          wf_bench_note (bench, "store.write_run: %s", error->message);
          return;
        }
      /* The first writes warm the statement cache and the page cache. */
      if (i >= 3)
        wf_bench_add_sample (bench, "store.write_run", "ms", wf_bench_now_ms () - t0);
    }
}

typedef struct
{
  guint n;
} FillData;

static gboolean
fill_history (WfStore  *store,
              gpointer  user_data,
              GError  **error)
{
  FillData *data = user_data;
  gint64 session_id = 0;

  for (guint i = 0; i < data->n; i++)
    {
      g_autoptr(WfRun) run = bench_run (i, 1, 5);

      /* Sessions of 10 runs, like real use. */
      if (i % 10 == 0)
        session_id = 0;
      run->session_id = session_id;
      if (!wf_store_save_run (store, run, NULL, error))
        return FALSE;
      session_id = run->session_id;
    }
  return TRUE;
}

static void
bench_history (WfBench *bench)
{
  g_autofree char *path = g_build_filename (wf_bench_get_tmpdir (bench), "history.db", NULL);
  g_autoptr(GError) error = NULL;
  FillData data = { HISTORY_RUNS };
  guint n = wf_bench_is_quick (bench) ? 5 : 30;
  double t0;

  {
    g_autoptr(WfStore) store = wf_store_open (path, &error);

    t0 = wf_bench_now_ms ();
    if (store == NULL || !wf_store_transaction (store, fill_history, &data, &error))
      {
        wf_bench_note (bench, "store.history_10k: %s", error->message);
        return;
      }
    wf_bench_note (bench, "store.history_10k: built %u runs in %.0f ms", HISTORY_RUNS,
                   wf_bench_now_ms () - t0);
  }

  /* What the history view does when it opens: a connection, the count for
   * the scroll bar and the first page of summaries. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WfStore) store = NULL;
      g_autoptr(GPtrArray) page = NULL;
      gint64 count;

      t0 = wf_bench_now_ms ();
      store = wf_store_open (path, &error);
      count = store ? wf_store_count_runs (store, 0, &error) : -1;
      page = count >= 0 ? wf_store_list_runs (store, 0, 0, HISTORY_PAGE, &error) : NULL;
      if (page == NULL || count != HISTORY_RUNS || page->len != HISTORY_PAGE)
        {
          wf_bench_note (bench, "store.history_10k: %s", error ? error->message : "wrong count");
          return;
        }
      wf_bench_add_sample (bench, "store.history_10k", "ms", wf_bench_now_ms () - t0);
    }
}

void
wf_bench_store (WfBench *bench)
{
  bench_write_run (bench);
  bench_history (bench);
}
