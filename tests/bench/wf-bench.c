/* wf-bench.c: runs every area's benchmark and writes one JSON report
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-bench"

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <sys/utsname.h>

#include "wf-bench.h"

typedef struct
{
  char   *name;
  char   *unit;
  GArray *samples;
} Entry;

typedef struct
{
  char   *name;
  double  value;
  char   *of;
  char   *to;
} Ratio;

struct _WfBench
{
  GPtrArray *entries;
  GPtrArray *ratios;
  GPtrArray *notes;
  char      *tmpdir;
  gboolean   quick;
};

static void
entry_free (Entry *e)
{
  g_free (e->name);
  g_free (e->unit);
  g_array_unref (e->samples);
  g_free (e);
}

static void
ratio_free (Ratio *r)
{
  g_free (r->name);
  g_free (r->of);
  g_free (r->to);
  g_free (r);
}

const char *
wf_bench_get_tmpdir (WfBench *bench)
{
  return bench->tmpdir;
}

gboolean
wf_bench_is_quick (WfBench *bench)
{
  return bench->quick;
}

static Entry *
find_entry (WfBench    *bench,
            const char *name)
{
  for (guint i = 0; i < bench->entries->len; i++)
    {
      Entry *e = g_ptr_array_index (bench->entries, i);
      if (g_str_equal (e->name, name))
        return e;
    }
  return NULL;
}

GArray *
wf_bench_samples (WfBench    *bench,
                  const char *name,
                  const char *unit)
{
  Entry *e = find_entry (bench, name);

  if (e == NULL)
    {
      e = g_new0 (Entry, 1);
      e->name = g_strdup (name);
      e->unit = g_strdup (unit);
      e->samples = g_array_new (FALSE, FALSE, sizeof (double));
      g_ptr_array_add (bench->entries, e);
    }

  return e->samples;
}

void
wf_bench_add_sample (WfBench    *bench,
                     const char *name,
                     const char *unit,
                     double      value)
{
  g_array_append_val (wf_bench_samples (bench, name, unit), value);
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
percentile (GArray *sorted,
            double  p)
{
  double rank;
  guint lo;

  if (sorted->len == 0)
    return NAN;

  /* Nearest-rank with linear interpolation between neighbours. */
  rank = p * (sorted->len - 1);
  lo = (guint) floor (rank);
  if (lo + 1 >= sorted->len)
    return g_array_index (sorted, double, sorted->len - 1);
  return g_array_index (sorted, double, lo) +
         (rank - lo) * (g_array_index (sorted, double, lo + 1) - g_array_index (sorted, double, lo));
}

double
wf_bench_get_p50 (WfBench    *bench,
                  const char *name)
{
  Entry *e = find_entry (bench, name);
  g_autoptr(GArray) sorted = NULL;

  if (e == NULL || e->samples->len == 0)
    return NAN;

  sorted = g_array_copy (e->samples);
  g_array_sort (sorted, cmp_double);
  return percentile (sorted, 0.5);
}

void
wf_bench_add_ratio (WfBench    *bench,
                    const char *name,
                    double      value,
                    const char *of,
                    const char *to)
{
  Ratio *r = g_new0 (Ratio, 1);

  r->name = g_strdup (name);
  r->value = value;
  r->of = g_strdup (of);
  r->to = g_strdup (to);
  g_ptr_array_add (bench->ratios, r);
}

void
wf_bench_note (WfBench    *bench,
               const char *format,
               ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (bench->notes, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
add_double (JsonBuilder *b,
            const char  *member,
            double       value)
{
  json_builder_set_member_name (b, member);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_machine (JsonBuilder *b)
{
  struct utsname u;
  g_autofree char *cpuinfo = NULL;
  g_autofree char *model = NULL;

  json_builder_set_member_name (b, "machine");
  json_builder_begin_object (b);
  if (uname (&u) == 0)
    {
      json_builder_set_member_name (b, "kernel");
      json_builder_add_string_value (b, u.release);
      json_builder_set_member_name (b, "arch");
      json_builder_add_string_value (b, u.machine);
    }
  json_builder_set_member_name (b, "cpus");
  json_builder_add_int_value (b, g_get_num_processors ());
  if (g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL))
    {
      char *line = strstr (cpuinfo, "model name");
      if (line && (line = strchr (line, ':')))
        {
          char *end = strchr (line, '\n');
          model = g_strstrip (g_strndup (line + 1, end ? (gsize) (end - line - 1) : strlen (line + 1)));
        }
    }
  json_builder_set_member_name (b, "cpu_model");
  json_builder_add_string_value (b, model ? model : "unknown");
  json_builder_set_member_name (b, "date");
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *iso = g_date_time_format_iso8601 (now);
    json_builder_add_string_value (b, iso);
  }
  json_builder_end_object (b);
}

static void
write_report (WfBench    *bench,
              const char *path)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  json_builder_begin_object (b);
  add_machine (b);

  json_builder_set_member_name (b, "entries");
  json_builder_begin_array (b);
  g_print ("%-34s %-6s %6s %10s %10s %10s %10s\n", "entry", "unit", "n", "p50", "p95", "min", "max");
  for (guint i = 0; i < bench->entries->len; i++)
    {
      Entry *e = g_ptr_array_index (bench->entries, i);
      g_autoptr(GArray) sorted = g_array_copy (e->samples);
      double p50, p95, mn, mx;

      g_array_sort (sorted, cmp_double);
      p50 = percentile (sorted, 0.5);
      p95 = percentile (sorted, 0.95);
      mn = sorted->len ? g_array_index (sorted, double, 0) : NAN;
      mx = sorted->len ? g_array_index (sorted, double, sorted->len - 1) : NAN;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, e->name);
      json_builder_set_member_name (b, "unit");
      json_builder_add_string_value (b, e->unit);
      json_builder_set_member_name (b, "n");
      json_builder_add_int_value (b, sorted->len);
      add_double (b, "p50", p50);
      add_double (b, "p95", p95);
      add_double (b, "min", mn);
      add_double (b, "max", mx);
      json_builder_end_object (b);

      g_print ("%-34s %-6s %6u %10.3f %10.3f %10.3f %10.3f\n",
               e->name, e->unit, sorted->len, p50, p95, mn, mx);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "ratios");
  json_builder_begin_array (b);
  if (bench->ratios->len)
    g_print ("\n%-34s %10s  %s\n", "ratio", "value", "of / to");
  for (guint i = 0; i < bench->ratios->len; i++)
    {
      Ratio *r = g_ptr_array_index (bench->ratios, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, r->name);
      add_double (b, "value", r->value);
      json_builder_set_member_name (b, "of");
      json_builder_add_string_value (b, r->of);
      json_builder_set_member_name (b, "to");
      json_builder_add_string_value (b, r->to);
      json_builder_end_object (b);
      g_print ("%-34s %10.2f  %s / %s\n", r->name, r->value, r->of, r->to);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "notes");
  json_builder_begin_array (b);
  for (guint i = 0; i < bench->notes->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (bench->notes, i));
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  if (!json_generator_to_file (gen, path, &error))
    g_printerr ("whatif-bench: cannot write %s: %s\n", path, error->message);
  else
    g_print ("\nreport: %s\n", path);
}

static gboolean
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            rm_rf (child);
          else
            g_unlink (child);
        }
    }
  return g_rmdir (path) == 0;
}

int
main (int    argc,
      char **argv)
{
  WfBench bench = { 0 };
  g_autofree char *report = NULL;
  g_auto(GStrv) only = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "report", 'o', 0, G_OPTION_ARG_FILENAME, &report, "Write the JSON report here", "FILE" },
    { "quick", 0, 0, G_OPTION_ARG_NONE, &bench.quick, "Fewer iterations (smoke run)", NULL },
    { "only", 0, 0, G_OPTION_ARG_STRING_ARRAY, &only, "Run only this area (repeatable)", "AREA" },
    { NULL }
  };
  struct { const char *name; void (*func) (WfBench *); } areas[] = {
    { "store", wf_bench_store },
    { "repair", wf_bench_repair },
    { "sandbox", wf_bench_sandbox },
    { "firewall", wf_bench_firewall },
    { "pipeline", wf_bench_pipeline },
    { "csv", wf_bench_csv },
    { "app", wf_bench_app },
    { NULL, NULL }
  };

  context = g_option_context_new ("- What If benchmarks");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("whatif-bench: %s\n", error->message);
      return 2;
    }

  bench.entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  bench.ratios = g_ptr_array_new_with_free_func ((GDestroyNotify) ratio_free);
  bench.notes = g_ptr_array_new_with_free_func (g_free);
  bench.tmpdir = g_dir_make_tmp ("whatif-bench-XXXXXX", &error);
  if (bench.tmpdir == NULL)
    {
      g_printerr ("whatif-bench: %s\n", error->message);
      return 1;
    }

  for (guint i = 0; areas[i].name != NULL; i++)
    {
      if (only != NULL && !g_strv_contains ((const char * const *) only, areas[i].name))
        continue;
      g_printerr ("whatif-bench: %s…\n", areas[i].name);
      areas[i].func (&bench);
    }

  write_report (&bench, report ? report : "report.json");

  rm_rf (bench.tmpdir);
  g_free (bench.tmpdir);
  g_ptr_array_unref (bench.entries);
  g_ptr_array_unref (bench.ratios);
  g_ptr_array_unref (bench.notes);

  return 0;
}
