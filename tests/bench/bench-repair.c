/* bench-repair.c: repair throughput and linearity
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * repair.throughput         MB/s on a 200 KB answer with the usual damage
 *                           (prose, fence, raw newlines, single quotes,
 *                           trailing comma, no language)
 * repair.throughput_corpus  MB/s over the whole test corpus
 * repair.linearity          time(10× input) / time(1× input), must stay ≤ 12
 */
#define G_LOG_DOMAIN "wf-bench-repair"

#include "config.h"

#include <json-glib/json-glib.h>
#include <malloc.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wf-bench.h"
#include "wf-repair.h"

/* A broken answer whose code is about code_bytes long. */
static char *
make_answer (gsize code_bytes)
{
  GString *s = g_string_new ("Sure! Here is the model you asked for:\n\n```json\n{'code': '");
  gsize start = s->len;
  guint i = 0;

  g_string_append (s, "import numpy_financial as npf\nimport pandas as pd\n");
  while (s->len - start < code_bytes)
    {
      g_string_append_printf (s, "rate_%u = wf.param(\"Rate %u\", 0.05, \"percent\", 0, 1, 0.01)\n"
                                 "payment_%u = npf.pmt(rate_%u / 12, 60, -40000)  # monthly\n",
                              i, i, i, i);
      i++;
    }
  g_string_append (s, "wf.metric(\"Payment\", payment_0, \"USD\")',\n"
                      "  'explanation': 'Monthly payments for each assumed rate, "
                      "with the \"what if\" rates as parameters.',\n}\n```\n\nLet me know!");
  return g_string_free (s, FALSE);
}

/* CPU time of this thread, in milliseconds (user and system). */
static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Returns milliseconds for one repair, of wall time or with CPU_TIME of this
 * thread's CPU time; aborts the bench if it failed. */
static double
time_repair_clock (const char *raw,
                   gsize       len,
                   gsize       max_code,
                   gboolean    cpu_time)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRepairResult) result = NULL;
  double t0 = cpu_time ? thread_cpu_ms () : wf_bench_now_ms ();

  result = wf_repair (raw, len, max_code, NULL, &error);
  if (result == NULL)
    g_error ("bench answer did not repair: %s", error->message);
  return (cpu_time ? thread_cpu_ms () : wf_bench_now_ms ()) - t0;
}

static double
time_repair (const char *raw,
             gsize       len,
             gsize       max_code)
{
  return time_repair_clock (raw, len, max_code, FALSE);
}

typedef struct
{
  double small_ms;
  double large_ms;
} Round;

/* Times the two sizes in alternating blocks: each block starts with one
 * uncounted run, then keeps the fastest of its runs (other work on a shared
 * machine can only add time). Alternating blocks, not single runs, so that
 * each size is measured in its own steady state. The clock is this thread's
 * CPU time: on a loaded machine a 20 ms run is almost always preempted and a
 * 2 ms one seldom, so wall time would grow faster than the work. */
static void
measure_linearity (const char *small,
                   gsize       small_len,
                   const char *large,
                   gsize       large_len,
                   Round      *rounds,
                   guint       n_rounds)
{
  const gsize big_limit = 8 * 1024 * 1024;

  for (guint r = 0; r < n_rounds; r++)
    {
      double a = G_MAXDOUBLE, b = G_MAXDOUBLE;

      time_repair (small, small_len, big_limit);
      for (guint k = 0; k < 10; k++)
        a = MIN (a, time_repair_clock (small, small_len, big_limit, TRUE));
      time_repair (large, large_len, big_limit);
      for (guint k = 0; k < 3; k++)
        b = MIN (b, time_repair_clock (large, large_len, big_limit, TRUE));
      rounds[r].small_ms = a;
      rounds[r].large_ms = b;
    }
}

/* What a run costs depends on the heap it finds. With glibc's dynamic
 * thresholds, blocks of a few MiB come from fresh mmap()ed pages (or a heap
 * top that free() just trimmed) while 200 KB ones reuse pages malloc kept,
 * so the large runs pay a page fault per 4 KiB written and the small ones do
 * not; on a virtual machine a fault costs more than repairing those bytes,
 * and the ratio then measures malloc's thresholds and whatever the areas run
 * before this one left in the heap (measured: 10 alone, 13–18 after the
 * store area, up to 80 with single runs alternating). So the sizes are timed
 * in a child process, with the same heap for both (what this process has
 * now) and fixed thresholds that keep every block of this size in the heap
 * and never give it back: both sizes run on pages already faulted in. */
static gboolean
measure_linearity_isolated (const char *small,
                            gsize       small_len,
                            const char *large,
                            gsize       large_len,
                            Round      *rounds,
                            guint       n_rounds)
{
  int fds[2];
  pid_t pid;
  gsize want = n_rounds * sizeof (Round), got = 0;
  int status = 0;

  if (pipe (fds) != 0)
    goto in_process;
  pid = fork ();
  if (pid < 0)
    {
      close (fds[0]);
      close (fds[1]);
      goto in_process;
    }
  if (pid == 0)
    {
      const char *p = (const char *) rounds;

      close (fds[0]);
      mallopt (M_MMAP_THRESHOLD, 32 * 1024 * 1024);
      mallopt (M_TRIM_THRESHOLD, 256 * 1024 * 1024);
      measure_linearity (small, small_len, large, large_len, rounds, n_rounds);
      while (got < want)
        {
          ssize_t n = write (fds[1], p + got, want - got);

          if (n <= 0)
            _exit (1);
          got += (gsize) n;
        }
      _exit (0);
    }
  close (fds[1]);
  while (got < want)
    {
      ssize_t n = read (fds[0], (char *) rounds + got, want - got);

      if (n <= 0)
        break;
      got += (gsize) n;
    }
  close (fds[0]);
  while (waitpid (pid, &status, 0) < 0)
    ;
  if (got == want && WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return TRUE;

in_process:
  measure_linearity (small, small_len, large, large_len, rounds, n_rounds);
  return FALSE;
}

static GPtrArray *
load_corpus (void)
{
  const char *env = g_getenv ("WHATIF_REPAIR_CORPUS");
  g_autofree char *dir = NULL;
  g_autofree char *manifest = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  GPtrArray *inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  JsonArray *array;

  /* The runner dir is <source>/src/core/sandbox/runner; the corpus is in
   * <source>/tests/data/repair. */
  if (env != NULL)
    dir = g_strdup (env);
  else
    {
      /* By name, not through "..": the runner folder may not exist yet. */
      g_autofree char *root = g_strdup (WF_SOURCE_RUNNER_DIR);

      for (guint up = 0; up < 4; up++)
        {
          char *parent = g_path_get_dirname (root);
          g_free (root);
          root = parent;
        }
      dir = g_build_filename (root, "tests", "data", "repair", NULL);
    }
  manifest = g_build_filename (dir, "manifest.json", NULL);
  if (!json_parser_load_from_file (parser, manifest, NULL))
    return inputs;
  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      g_autofree char *path = g_build_filename (dir, json_object_get_string_member (o, "file"), NULL);
      char *data = NULL;
      gsize len = 0;

      if (g_file_get_contents (path, &data, &len, NULL))
        g_ptr_array_add (inputs, g_bytes_new_take (data, len));
    }
  return inputs;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

void
wf_bench_repair (WfBench *bench)
{
  guint reps = wf_bench_is_quick (bench) ? 5 : 40;
  g_autofree char *answer = make_answer (195 * 1024);
  gsize len = strlen (answer);
  g_autoptr(GPtrArray) corpus = load_corpus ();
  g_autofree char *small = make_answer (200 * 1024);
  g_autofree char *large = make_answer (2000 * 1024);
  gsize small_len = strlen (small), large_len = strlen (large);
  g_autoptr(GArray) ratios = NULL;
  g_autofree Round *rounds = NULL;
  guint n_rounds;
  gboolean isolated;
  double ratio, min_small, min_large;

  /* warm-up */
  time_repair (answer, len, 0);
  for (guint r = 0; r < reps; r++)
    {
      double ms = time_repair (answer, len, 0);
      wf_bench_add_sample (bench, "repair.throughput", "MB/s", (len / 1e6) / (ms / 1e3));
    }
  wf_bench_note (bench, "repair.throughput: a %zu-byte answer (fenced, single-quoted, raw newlines, "
                 "trailing comma, no language)", len);

  if (corpus->len > 0)
    {
      for (guint r = 0; r < reps; r++)
        {
          gsize bytes = 0;
          double t0 = wf_bench_now_ms (), ms;

          for (guint i = 0; i < corpus->len; i++)
            {
              gsize n = 0;
              const char *data = g_bytes_get_data (g_ptr_array_index (corpus, i), &n);
              g_autoptr(GError) error = NULL;
              g_autoptr(WfRepairResult) result = wf_repair (data ? data : "", n, 0, NULL, &error);

              bytes += n;
            }
          ms = wf_bench_now_ms () - t0;
          wf_bench_add_sample (bench, "repair.throughput_corpus", "MB/s", (bytes / 1e6) / (ms / 1e3));
        }
      wf_bench_note (bench, "repair.throughput_corpus: %u cases from tests/data/repair", corpus->len);
    }
  else
    wf_bench_note (bench, "repair.throughput_corpus: corpus not found (set WHATIF_REPAIR_CORPUS)");

  /* Linearity: the same shape of answer at 1× (200 KB) and 10× (2 MB). */
  n_rounds = MAX (reps / 2, 15);
  rounds = g_new0 (Round, n_rounds);
  isolated = measure_linearity_isolated (small, small_len, large, large_len, rounds, n_rounds);
  ratios = g_array_new (FALSE, FALSE, sizeof (double));
  min_small = min_large = G_MAXDOUBLE;
  for (guint r = 0; r < n_rounds; r++)
    {
      double q = rounds[r].large_ms / rounds[r].small_ms;

      min_small = MIN (min_small, rounds[r].small_ms);
      min_large = MIN (min_large, rounds[r].large_ms);
      wf_bench_add_sample (bench, "repair.time_1x", "ms", rounds[r].small_ms);
      wf_bench_add_sample (bench, "repair.time_10x", "ms", rounds[r].large_ms);
      g_array_append_val (ratios, q);
    }
  g_array_sort (ratios, compare_double);
  ratio = g_array_index (ratios, double, ratios->len / 2);
  wf_bench_add_ratio (bench, "repair.linearity", (min_large / min_small) * ((double) small_len * 10 / large_len),
                      "repair.time_10x", "repair.time_1x");
  wf_bench_note (bench, "repair.linearity: fastest run of each size over %u rounds of alternating blocks "
                 "(10 runs of 1×, 3 of 10×, each block after one uncounted run), thread CPU time, %s, "
                 "%zu vs %zu bytes, time scaled to exactly 10×; must be ≤ 12 (median of the rounds' ratios: %.2f)",
                 n_rounds, isolated ? "in a child process with fixed malloc thresholds" : "in process (fork failed)",
                 small_len, large_len, ratio * ((double) small_len * 10 / large_len));
}
