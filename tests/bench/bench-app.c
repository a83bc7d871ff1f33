/* bench-app.c: the desktop app's first frame and a 10 000-run history scroll
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both entries spawn the real `whatif` binary on the current display (the
 * bench runs under Xvfb when there is none) with a bench hook switched on by
 * an environment variable (src/app/wf-bench-hooks.h): the app prints what it
 * measured and quits. The bench links no GTK itself.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "wf-bench.h"
#include "wf-store.h"

#define HISTORY_RUNS 10000

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

  /* One run per session: the sidebar's worst case, 10 000 rows. */
  for (guint i = 0; i < data->n; i++)
    {
      g_autoptr(WfRun) run = wf_run_new ();

      run->question = g_strdup_printf ("What if I raise prices %u%% and lose 3%% of my customers?", i % 20);
      run->answer = g_strdup ("Revenue rises by 1.9% to $523,400 a year.");
      run->model = g_strdup ("openai/gpt-4o-mini");
      run->provider = g_strdup ("openrouter");
      run->outcome = WF_OUTCOME_ANSWERED;
      run->total_micros = 420;
      if (!wf_store_save_run (store, run, NULL, error))
        return FALSE;
    }
  return TRUE;
}

static char **
app_env (const char *db_path,
         const char *hook)
{
  char **env = g_get_environ ();

  env = g_environ_setenv (env, "WHATIF_DB", db_path, TRUE);
  env = g_environ_setenv (env, hook, "1", TRUE);
  env = g_environ_setenv (env, "GSETTINGS_BACKEND", "memory", TRUE);
#ifdef WF_BENCH_SCHEMA_DIR
  env = g_environ_setenv (env, "GSETTINGS_SCHEMA_DIR", WF_BENCH_SCHEMA_DIR, TRUE);
#endif
  /* Under Xvfb there is no GPU: the GL renderer would compile its shaders on
   * the CPU (llvmpipe) and the bench would time that, not the app. A real
   * desktop's GL renderer is at least as fast as cairo here. */
  if (g_getenv ("GSK_RENDERER") == NULL)
    env = g_environ_setenv (env, "GSK_RENDERER", "cairo", TRUE);
  /* Some GTK builds probe the accessibility bus; the bench measures the app. */
  env = g_environ_setenv (env, "GTK_A11Y", "none", TRUE);
  env = g_environ_setenv (env, "NO_AT_BRIDGE", "1", TRUE);
  return env;
}

/* Runs the app once; returns its stdout (NULL with a note on failure). */
static char *
run_app (WfBench    *bench,
         const char *binary,
         char      **env,
         double     *out_spawned_ms)
{
  const char *argv[] = { binary, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  *out_spawned_ms = wf_bench_now_ms ();
  if (!g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error))
    {
      wf_bench_note (bench, "app: cannot start %s: %s", binary, error->message);
      return NULL;
    }
  if (!g_spawn_check_wait_status (status, &error))
    {
      wf_bench_note (bench, "app: %s failed: %s (%s)", binary, error->message, err ? err : "");
      return NULL;
    }
  return g_steal_pointer (&out);
}

static void
bench_first_frame (WfBench    *bench,
                   const char *binary)
{
  g_autofree char *db = g_build_filename (wf_bench_get_tmpdir (bench), "first-frame.db", NULL);
  g_auto(GStrv) env = app_env (db, "WHATIF_BENCH_FIRST_FRAME");
  guint n = wf_bench_is_quick (bench) ? 3 : 10;

  for (guint i = 0; i < n + 1; i++)
    {
      double spawned;
      g_autofree char *out = run_app (bench, binary, env, &spawned);
      const char *line = out ? strstr (out, "first_frame_ms ") : NULL;

      if (line == NULL)
        {
          wf_bench_note (bench, "app.first_frame: no first frame reported");
          return;
        }
      /* The first launch warms the page cache (fonts, icons, libraries). */
      if (i > 0)
        wf_bench_add_sample (bench, "app.first_frame", "ms",
                             g_ascii_strtod (line + strlen ("first_frame_ms "), NULL) - spawned);
    }
  wf_bench_note (bench, "app.first_frame: process start to the first frame drawn (renderer %s), target < 500 ms",
                 g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "cairo");
}

static void
bench_history_scroll (WfBench    *bench,
                      const char *binary)
{
  g_autofree char *db = g_build_filename (wf_bench_get_tmpdir (bench), "history-10k.db", NULL);
  g_auto(GStrv) env = app_env (db, "WHATIF_BENCH_HISTORY_SCROLL");
  g_autoptr(GError) error = NULL;
  FillData data = { HISTORY_RUNS };
  guint n = wf_bench_is_quick (bench) ? 1 : 3;
  double t0;

  {
    g_autoptr(WfStore) store = wf_store_open (db, &error);

    t0 = wf_bench_now_ms ();
    if (store == NULL || !wf_store_transaction (store, fill_history, &data, &error))
      {
        wf_bench_note (bench, "app.history_scroll_10k: %s", error->message);
        return;
      }
    wf_bench_note (bench, "app.history_scroll_10k: seeded %u runs in %.0f ms", HISTORY_RUNS,
                   wf_bench_now_ms () - t0);
  }
  if (wf_bench_is_quick (bench))
    env = g_environ_setenv (env, "WHATIF_BENCH_SCROLL_FRAMES", "300", TRUE);

  for (guint i = 0; i < n; i++)
    {
      double spawned;
      g_autofree char *out = run_app (bench, binary, env, &spawned);
      const char *line = out ? strstr (out, "history_scroll worst_ms ") : NULL;
      guint frames = 0, sessions = 0;
      double worst, p95 = 0;

      if (line == NULL)
        {
          wf_bench_note (bench, "app.history_scroll_10k: no result (%s)", out ? out : "");
          return;
        }
      if (sscanf (line, "history_scroll worst_ms %lf frames %u sessions %u p95_ms %lf",
                  &worst, &frames, &sessions, &p95) != 4)
        {
          wf_bench_note (bench, "app.history_scroll_10k: unreadable result: %s", line);
          return;
        }
      wf_bench_add_sample (bench, "app.history_scroll_10k", "ms", worst);
      wf_bench_add_sample (bench, "app.history_scroll_10k_p95", "ms", p95);
      wf_bench_note (bench, "app.history_scroll_10k: run %u: %u frames, %u sessions paged in, "
                     "worst %.2f ms, p95 %.2f ms", i + 1, frames, sessions, worst, p95);
    }
  wf_bench_note (bench, "app.history_scroll_10k: worst frame (before-paint to after-paint) while "
                 "scrolling the sidebar one step a frame, target < 16 ms");
}

void
wf_bench_app (WfBench *bench)
{
  const char *binary = g_getenv ("WHATIF_BENCH_APP_BINARY");

#ifdef WF_BENCH_WHATIF_BINARY
  if (binary == NULL)
    binary = WF_BENCH_WHATIF_BINARY;
#endif
  if (binary == NULL || !g_file_test (binary, G_FILE_TEST_IS_EXECUTABLE))
    {
      wf_bench_note (bench, "app: skipped, the whatif binary was not built (-Dapp=false); "
                     "set WHATIF_BENCH_APP_BINARY to measure one");
      return;
    }
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      wf_bench_note (bench, "app: skipped, no display (build-aux/dev bench provides Xvfb)");
      return;
    }
  bench_first_frame (bench, binary);
  bench_history_scroll (bench, binary);
}
